CREATE TABLE `api_credentials` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`provider` text NOT NULL,
	`base_url` text,
	`key_ciphertext` text NOT NULL,
	`key_hint` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`last_validated_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_credentials_user_provider_idx` ON `api_credentials` (`user_id`,`provider`);--> statement-breakpoint
CREATE TABLE `feature_overrides` (
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`prompt` text,
	`model` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `name`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `user_settings` (
	`user_id` text PRIMARY KEY NOT NULL,
	`fallback_to_api_keys` integer DEFAULT false NOT NULL,
	`default_model` text,
	`fallback_model` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `connections` ADD `rate_limits` text;--> statement-breakpoint
ALTER TABLE `connections` ADD `rate_limits_at` integer;