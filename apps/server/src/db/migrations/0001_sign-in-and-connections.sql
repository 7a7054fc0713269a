CREATE TABLE `connections` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`provider` text NOT NULL,
	`method` text NOT NULL,
	`account_id` text NOT NULL,
	`email` text,
	`plan_type` text,
	`upstream_user_id` text,
	`id_token_ciphertext` text NOT NULL,
	`access_token_ciphertext` text NOT NULL,
	`refresh_token_ciphertext` text NOT NULL,
	`access_token_expires_at` integer,
	`state` text NOT NULL,
	`state_reason` text,
	`version` integer DEFAULT 0 NOT NULL,
	`refresh_lease_until` integer,
	`next_refresh_attempt_at` integer,
	`refresh_failure_count` integer DEFAULT 0 NOT NULL,
	`connected_at` integer NOT NULL,
	`last_refresh_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connections_user_provider_idx` ON `connections` (`user_id`,`provider`);--> statement-breakpoint
CREATE TABLE `sign_in_flows` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`provider` text NOT NULL,
	`method` text NOT NULL,
	`status` text NOT NULL,
	`state_hash` text,
	`code_verifier_ciphertext` text,
	`redirect_uri` text,
	`device_auth_id_ciphertext` text,
	`user_code` text,
	`verification_url` text,
	`poll_interval_seconds` integer,
	`last_polled_at` integer,
	`failure_reason` text,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `sign_in_flows_user_id_idx` ON `sign_in_flows` (`user_id`);--> statement-breakpoint
CREATE INDEX `sign_in_flows_expires_at_idx` ON `sign_in_flows` (`expires_at`);