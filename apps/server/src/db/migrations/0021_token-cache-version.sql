-- Custom migration (docs/request-cache.md, issue 22): a connection's tokens, their expiry and its refresh bookkeeping
-- now move the request cache's counter too, so the token row a subscription request reads can be cached. Only what
-- the request path writes itself stays out: the rate limits of every answer and a refresh's lease
-- (db/cache-version.ts, CACHE_VERSION_TABLES).
DROP TRIGGER `cache_version_connections_update`;
--> statement-breakpoint
CREATE TRIGGER `cache_version_connections_update` AFTER UPDATE OF `id`, `user_id`, `provider`, `method`, `account_id`, `email`, `plan_type`, `upstream_user_id`, `id_token_ciphertext`, `access_token_ciphertext`, `refresh_token_ciphertext`, `access_token_expires_at`, `state`, `state_reason`, `version`, `next_refresh_attempt_at`, `refresh_failure_count`, `connected_at`, `last_refresh_at`, `updated_at`, `scopes` ON `connections` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
