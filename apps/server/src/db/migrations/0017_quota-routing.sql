CREATE TABLE `quota_snapshots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`observed_at` integer NOT NULL,
	`source` text NOT NULL,
	`five_hour_used_percent` real,
	`weekly_used_percent` real,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `quota_snapshots_user_time` ON `quota_snapshots` (`user_id`,`observed_at`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `routing_rules` text;--> statement-breakpoint
ALTER TABLE `app_policies` ADD `routing_rules` text;--> statement-breakpoint
ALTER TABLE `feature_overrides` ADD `routing_rules` text;--> statement-breakpoint
ALTER TABLE `user_features` ADD `routing_rules` text;