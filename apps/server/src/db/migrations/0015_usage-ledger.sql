CREATE TABLE `usage_events` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` integer NOT NULL,
	`user_id` text NOT NULL,
	`caller_kind` text NOT NULL,
	`api_key_id` text,
	`app_client_id` text,
	`route` text NOT NULL,
	`feature` text,
	`provider` text,
	`model` text,
	`input_tokens` integer,
	`cached_input_tokens` integer,
	`output_tokens` integer,
	`reasoning_tokens` integer,
	`first_token_ms` integer,
	`duration_ms` integer NOT NULL,
	`status` integer NOT NULL,
	`error_code` text,
	`fallback_from` text,
	`is_subscription` integer DEFAULT false NOT NULL,
	`api_price_micros` integer,
	`price_version` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `usage_events_user_time` ON `usage_events` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `usage_events_time` ON `usage_events` (`created_at`);