ALTER TABLE `connections` ADD `refresh_lease_owner` text;--> statement-breakpoint
ALTER TABLE `connections` ADD `refresh_interrupted_at` integer;