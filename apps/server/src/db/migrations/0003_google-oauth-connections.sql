CREATE TABLE `google_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`subject` text NOT NULL,
	`email` text,
	`scopes` text NOT NULL,
	`access_token_ciphertext` text NOT NULL,
	`refresh_token_ciphertext` text NOT NULL,
	`access_token_expires_at` integer,
	`state` text NOT NULL,
	`state_reason` text,
	`connected_at` integer NOT NULL,
	`last_refresh_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `google_connections_user_id_unique` ON `google_connections` (`user_id`);--> statement-breakpoint
CREATE TABLE `google_oauth_clients` (
	`user_id` text PRIMARY KEY NOT NULL,
	`client_id` text NOT NULL,
	`client_secret_ciphertext` text NOT NULL,
	`secret_hint` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `google_sign_in_flows` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`state_hash` text NOT NULL,
	`code_verifier_ciphertext` text NOT NULL,
	`redirect_uri` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `google_sign_in_flows_state_idx` ON `google_sign_in_flows` (`state_hash`);