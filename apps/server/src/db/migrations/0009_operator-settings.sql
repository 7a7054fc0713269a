CREATE TABLE `operator_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`allow_private_upstreams` integer,
	`updated_at` integer NOT NULL,
	`updated_by` text,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
