-- Custom migration (docs/request-cache.md): the request cache's version counter and the triggers that bump it on
-- every write to a table the cache keeps reads of, whoever writes. The columns of each UPDATE OF list are the
-- table's columns but those the request path writes itself (db/cache-version.ts, CACHE_VERSION_TABLES).
-- Constraint triggers, deferred: the counter's row is updated once per transaction, at its commit, after every
-- other lock it takes, so two writers never wait on each other through it in opposite orders (no deadlock).
CREATE TABLE "cache_version" (
	"id" bigint PRIMARY KEY NOT NULL,
	"value" bigint NOT NULL
);
--> statement-breakpoint
INSERT INTO "cache_version" ("id", "value") VALUES (1, 0);
--> statement-breakpoint
CREATE FUNCTION "bump_cache_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF current_setting('pag.cache_version_bumped', true) = 'yes' THEN
		RETURN NULL;
	END IF;
	PERFORM set_config('pag.cache_version_bumped', 'yes', true);
	UPDATE "cache_version" SET "value" = "value" + 1 WHERE "id" = 1;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cache_version_users" AFTER INSERT OR DELETE OR UPDATE OF "id", "email", "password_hash", "is_admin", "created_at", "updated_at" ON "users" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_cache_version"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cache_version_api_keys" AFTER INSERT OR DELETE OR UPDATE OF "id", "user_id", "name", "key_hash", "created_at", "reasoning_output", "allowed_models", "subscription_only", "allowed_origins", "routing_rules" ON "api_keys" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_cache_version"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cache_version_user_settings" AFTER INSERT OR DELETE OR UPDATE OF "user_id", "fallback_to_api_keys", "default_model", "fallback_model", "fallback_providers", "updated_at" ON "user_settings" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_cache_version"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cache_version_api_credentials" AFTER INSERT OR DELETE OR UPDATE OF "id", "user_id", "provider", "base_url", "key_ciphertext", "key_hint", "created_at", "updated_at", "last_validated_at" ON "api_credentials" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_cache_version"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cache_version_connections" AFTER INSERT OR DELETE OR UPDATE OF "id", "user_id", "provider", "account_id", "state", "state_reason" ON "connections" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_cache_version"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cache_version_model_aliases" AFTER INSERT OR DELETE OR UPDATE OF "user_id", "pattern", "target", "position", "updated_at" ON "model_aliases" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_cache_version"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cache_version_feature_overrides" AFTER INSERT OR DELETE OR UPDATE OF "user_id", "name", "prompt", "model", "routing_rules", "updated_at" ON "feature_overrides" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_cache_version"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cache_version_user_features" AFTER INSERT OR DELETE OR UPDATE OF "user_id", "name", "prompt", "model", "reasoning_effort", "output_schema", "routing_rules", "created_at", "updated_at" ON "user_features" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_cache_version"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cache_version_usage_custom_prices" AFTER INSERT OR DELETE OR UPDATE OF "user_id", "model", "input_per_million", "cached_input_per_million", "output_per_million", "updated_at" ON "usage_custom_prices" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_cache_version"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cache_version_app_policies" AFTER INSERT OR DELETE OR UPDATE OF "user_id", "client_id", "allowed_models", "subscription_only", "allowed_origins", "routing_rules", "updated_at" ON "app_policies" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_cache_version"();
--> statement-breakpoint
CREATE CONSTRAINT TRIGGER "cache_version_oauth_records" AFTER INSERT OR DELETE OR UPDATE OF "id", "kind", "payload_ciphertext", "grant_id", "user_id", "client_id", "uid_hash", "created_at", "expires_at", "consumed_at" ON "oauth_records" DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "bump_cache_version"();