CREATE TABLE `oauth_records` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`payload_ciphertext` text NOT NULL,
	`grant_id` text,
	`user_id` text,
	`client_id` text,
	`uid_hash` text,
	`created_at` integer NOT NULL,
	`expires_at` integer,
	`consumed_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `oauth_records_grant_idx` ON `oauth_records` (`grant_id`);--> statement-breakpoint
CREATE INDEX `oauth_records_user_idx` ON `oauth_records` (`user_id`);--> statement-breakpoint
CREATE INDEX `oauth_records_kind_client_idx` ON `oauth_records` (`kind`,`client_id`);--> statement-breakpoint
CREATE INDEX `oauth_records_uid_idx` ON `oauth_records` (`uid_hash`);--> statement-breakpoint
CREATE INDEX `oauth_records_expires_idx` ON `oauth_records` (`expires_at`);