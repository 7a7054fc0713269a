-- Custom migration (docs/request-cache.md): the request cache's version counter and the triggers that bump it on
-- every write to a table the cache keeps reads of, whoever writes. The columns of each UPDATE OF list are the
-- table's columns but those the request path writes itself (db/cache-version.ts, CACHE_VERSION_TABLES).
CREATE TABLE `cache_version` (
	`id` integer PRIMARY KEY NOT NULL,
	`value` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `cache_version` (`id`, `value`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `cache_version_users_insert` AFTER INSERT ON `users` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_users_update` AFTER UPDATE OF `id`, `email`, `password_hash`, `is_admin`, `created_at`, `updated_at` ON `users` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_users_delete` AFTER DELETE ON `users` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_api_keys_insert` AFTER INSERT ON `api_keys` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_api_keys_update` AFTER UPDATE OF `id`, `user_id`, `name`, `key_hash`, `created_at`, `reasoning_output`, `allowed_models`, `subscription_only`, `allowed_origins`, `routing_rules` ON `api_keys` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_api_keys_delete` AFTER DELETE ON `api_keys` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_user_settings_insert` AFTER INSERT ON `user_settings` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_user_settings_update` AFTER UPDATE OF `user_id`, `fallback_to_api_keys`, `default_model`, `fallback_model`, `fallback_providers`, `updated_at` ON `user_settings` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_user_settings_delete` AFTER DELETE ON `user_settings` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_api_credentials_insert` AFTER INSERT ON `api_credentials` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_api_credentials_update` AFTER UPDATE OF `id`, `user_id`, `provider`, `base_url`, `key_ciphertext`, `key_hint`, `created_at`, `updated_at`, `last_validated_at` ON `api_credentials` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_api_credentials_delete` AFTER DELETE ON `api_credentials` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_connections_insert` AFTER INSERT ON `connections` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_connections_update` AFTER UPDATE OF `id`, `user_id`, `provider`, `account_id`, `state`, `state_reason` ON `connections` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_connections_delete` AFTER DELETE ON `connections` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_model_aliases_insert` AFTER INSERT ON `model_aliases` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_model_aliases_update` AFTER UPDATE OF `user_id`, `pattern`, `target`, `position`, `updated_at` ON `model_aliases` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_model_aliases_delete` AFTER DELETE ON `model_aliases` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_feature_overrides_insert` AFTER INSERT ON `feature_overrides` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_feature_overrides_update` AFTER UPDATE OF `user_id`, `name`, `prompt`, `model`, `routing_rules`, `updated_at` ON `feature_overrides` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_feature_overrides_delete` AFTER DELETE ON `feature_overrides` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_user_features_insert` AFTER INSERT ON `user_features` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_user_features_update` AFTER UPDATE OF `user_id`, `name`, `prompt`, `model`, `reasoning_effort`, `output_schema`, `routing_rules`, `created_at`, `updated_at` ON `user_features` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_user_features_delete` AFTER DELETE ON `user_features` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_usage_custom_prices_insert` AFTER INSERT ON `usage_custom_prices` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_usage_custom_prices_update` AFTER UPDATE OF `user_id`, `model`, `input_per_million`, `cached_input_per_million`, `output_per_million`, `updated_at` ON `usage_custom_prices` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_usage_custom_prices_delete` AFTER DELETE ON `usage_custom_prices` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_app_policies_insert` AFTER INSERT ON `app_policies` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_app_policies_update` AFTER UPDATE OF `user_id`, `client_id`, `allowed_models`, `subscription_only`, `allowed_origins`, `routing_rules`, `updated_at` ON `app_policies` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_app_policies_delete` AFTER DELETE ON `app_policies` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_oauth_records_insert` AFTER INSERT ON `oauth_records` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_oauth_records_update` AFTER UPDATE OF `id`, `kind`, `payload_ciphertext`, `grant_id`, `user_id`, `client_id`, `uid_hash`, `created_at`, `expires_at`, `consumed_at` ON `oauth_records` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;
--> statement-breakpoint
CREATE TRIGGER `cache_version_oauth_records_delete` AFTER DELETE ON `oauth_records` BEGIN UPDATE `cache_version` SET `value` = `value` + 1 WHERE `id` = 1; END;