CREATE TABLE `app_policies` (
	`user_id` text NOT NULL,
	`client_id` text NOT NULL,
	`allowed_models` text,
	`subscription_only` integer DEFAULT false NOT NULL,
	`allowed_origins` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `client_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `registered_apps` (
	`client_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL
);
