CREATE TABLE `getting_started_progress` (
	`user_id` text PRIMARY KEY NOT NULL,
	`first_playground_answer_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
