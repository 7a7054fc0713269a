CREATE TABLE `usage_custom_prices` (
	`user_id` text NOT NULL,
	`model` text NOT NULL,
	`input_per_million` real NOT NULL,
	`cached_input_per_million` real,
	`output_per_million` real NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `model`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
