CREATE TABLE `model_aliases` (
	`user_id` text NOT NULL,
	`pattern` text NOT NULL,
	`target` text NOT NULL,
	`position` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `pattern`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
