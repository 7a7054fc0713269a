-- Issue 15 item 4: one `connections` and one `sign_in_flows` table for every provider. drizzle-kit wrote the
-- table rebuild (id_token_ciphertext became nullable, scopes was added); the copies of Google's rows and the drops of
-- google_connections / google_sign_in_flows are written by hand. Every row keeps its id, so each vault ciphertext
-- still decrypts under the context it was written with (domain/vault/encrypted-columns.ts names it per provider).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`provider` text NOT NULL,
	`method` text NOT NULL,
	`account_id` text NOT NULL,
	`email` text,
	`plan_type` text,
	`upstream_user_id` text,
	`id_token_ciphertext` text,
	`access_token_ciphertext` text NOT NULL,
	`refresh_token_ciphertext` text NOT NULL,
	`access_token_expires_at` integer,
	`state` text NOT NULL,
	`state_reason` text,
	`version` integer DEFAULT 0 NOT NULL,
	`refresh_lease_until` integer,
	`next_refresh_attempt_at` integer,
	`refresh_failure_count` integer DEFAULT 0 NOT NULL,
	`connected_at` integer NOT NULL,
	`last_refresh_at` integer,
	`updated_at` integer NOT NULL,
	`rate_limits` text,
	`rate_limits_at` integer,
	`scopes` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_connections`(`id`, `user_id`, `provider`, `method`, `account_id`, `email`, `plan_type`, `upstream_user_id`, `id_token_ciphertext`, `access_token_ciphertext`, `refresh_token_ciphertext`, `access_token_expires_at`, `state`, `state_reason`, `version`, `refresh_lease_until`, `next_refresh_attempt_at`, `refresh_failure_count`, `connected_at`, `last_refresh_at`, `updated_at`, `rate_limits`, `rate_limits_at`) SELECT `id`, `user_id`, `provider`, `method`, `account_id`, `email`, `plan_type`, `upstream_user_id`, `id_token_ciphertext`, `access_token_ciphertext`, `refresh_token_ciphertext`, `access_token_expires_at`, `state`, `state_reason`, `version`, `refresh_lease_until`, `next_refresh_attempt_at`, `refresh_failure_count`, `connected_at`, `last_refresh_at`, `updated_at`, `rate_limits`, `rate_limits_at` FROM `connections`;--> statement-breakpoint
-- Google's `subject` (its stable account id) becomes account_id; Google is only ever connected in the browser. The
-- refresh bookkeeping (version, lease, backoff) starts from its defaults.
INSERT INTO `__new_connections`(`id`, `user_id`, `provider`, `method`, `account_id`, `email`, `access_token_ciphertext`, `refresh_token_ciphertext`, `access_token_expires_at`, `state`, `state_reason`, `connected_at`, `last_refresh_at`, `updated_at`, `scopes`) SELECT `id`, `user_id`, 'google', 'browser', `subject`, `email`, `access_token_ciphertext`, `refresh_token_ciphertext`, `access_token_expires_at`, `state`, `state_reason`, `connected_at`, `last_refresh_at`, `updated_at`, `scopes` FROM `google_connections`;--> statement-breakpoint
DROP TABLE `connections`;--> statement-breakpoint
ALTER TABLE `__new_connections` RENAME TO `connections`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `connections_user_provider_idx` ON `connections` (`user_id`,`provider`);--> statement-breakpoint
-- A Google flow lives only while it waits for its callback, so it moves as `pending`.
INSERT INTO `sign_in_flows`(`id`, `user_id`, `provider`, `method`, `status`, `state_hash`, `code_verifier_ciphertext`, `redirect_uri`, `created_at`, `expires_at`) SELECT `id`, `user_id`, 'google', 'browser', 'pending', `state_hash`, `code_verifier_ciphertext`, `redirect_uri`, `created_at`, `expires_at` FROM `google_sign_in_flows`;--> statement-breakpoint
CREATE INDEX `sign_in_flows_state_idx` ON `sign_in_flows` (`state_hash`);--> statement-breakpoint
DROP TABLE `google_connections`;--> statement-breakpoint
DROP TABLE `google_sign_in_flows`;