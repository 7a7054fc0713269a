/**
 * The CLI's usage text. Its own module with no imports, so `gateway --help` (and a malformed command line) prints
 * it without loading the database, the vault or the providers (issue 17: the CLI starts in well under a second).
 */
export const USAGE = `Usage: pnpm gateway <command>
   or: npx gateway <command>              (no pnpm on the PATH: npm's npx runs the same command)
   or: node apps/server/bin/gateway.mjs <command>

  user create --email E [--admin]      create a user; the password is prompted (or read from stdin)
  user list [--json]                   list users
  user reset-password --email E        set a new password (prompted or stdin); signs the user out everywhere
  user delete --email E                delete a user with their sessions and API keys
  key create --user E --name N         create an API key; prints only the key
  key list --user E [--json]           list a user's API keys (never the secrets)
  key revoke --user E --id ID          revoke an API key at once
  connect chatgpt --user E --device    sign in with a device code (recommended on a remote gateway)
  connect chatgpt --user E --paste     sign in in any browser, then paste the address it ends up on
  connections --user E [--json]        show a user's connected accounts and their state
  disconnect chatgpt --user E          revoke and delete a user's ChatGPT sign-in
  app register --name N --redirect-uri U [--redirect-uri U2]
                                       register an app that connects with "Connect AI gateway" (public OAuth
                                       client, PKCE); prints only its client_id
  app list [--json]                    list the apps registered with "app register"
  app remove <client_id>               delete an app's registration and disconnect it for every user
  usage --user E [--json] [--since 7d] a user's requests, tokens and API-price equivalent by model (default: 30 days;
                                       --since 24h, 7d, 4w or an ISO date)
  vault rotate-key                     re-encrypt every stored token under a new key (the server may keep running);
                                       with GATEWAY_ENCRYPTION_KEY set, under that key
  db copy --from DB --to DB            copy every table into a new, empty database, then check row counts and
                                       that every secret decrypts; stop the gateway first. DB: sqlite:FILE
                                       (sqlite: alone is the data dir's), or postgres://user:password@host/database

The CLI uses the same data directory as the server (GATEWAY_DATA_DIR, default ./data) and may run while it does.`;
