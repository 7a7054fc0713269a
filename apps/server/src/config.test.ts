import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('should apply the documented defaults with an empty environment', () => {
    const config = loadConfig({}, '/srv/gateway');
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      dataDir: '/srv/gateway/data',
      databaseFile: '/srv/gateway/data/gateway.db',
      encryptionKey: null,
      logLevel: 'info',
      trustProxy: false,
      isHttps: false,
      sessionIdleMs: 168 * 3_600_000,
      sessionMaxMs: 720 * 3_600_000,
    });
    expect(config.publicUrl.href).toBe('http://localhost:8787/');
  });

  it('issue 16: should read the upstream timeouts (connect, first byte, idle) in seconds, with bounds', () => {
    expect(loadConfig({}, '/')).toMatchObject({
      upstreamConnectTimeoutMs: 10_000,
      upstreamFirstByteTimeoutMs: 120_000,
      upstreamIdleTimeoutMs: 120_000,
    });
    expect(
      loadConfig({ GATEWAY_UPSTREAM_CONNECT_TIMEOUT_SECONDS: '3', GATEWAY_UPSTREAM_IDLE_TIMEOUT_SECONDS: '600' }, '/'),
    ).toMatchObject({ upstreamConnectTimeoutMs: 3000, upstreamIdleTimeoutMs: 600_000 });
    expect(() => loadConfig({ GATEWAY_UPSTREAM_IDLE_TIMEOUT_SECONDS: '0' }, '/')).toThrow(
      /GATEWAY_UPSTREAM_IDLE_TIMEOUT_SECONDS must be a whole number of seconds between 1 and 3600/,
    );
    expect(() => loadConfig({ GATEWAY_UPSTREAM_CONNECT_TIMEOUT_SECONDS: '1.5' }, '/')).toThrow(
      /GATEWAY_UPSTREAM_CONNECT_TIMEOUT_SECONDS must be a whole number of seconds between 1 and 120/,
    );
  });

  it('issue 18: should read the resumable-stream settings (grace, retention, caps), with bounds', () => {
    expect(loadConfig({}, '/')).toMatchObject({
      streamResumeGraceMs: 30_000,
      streamRetentionMs: 300_000,
      streamMaxBytes: 4 * 1024 * 1024,
      streamTotalMaxBytes: 256 * 1024 * 1024,
    });
    expect(
      loadConfig({ GATEWAY_STREAM_RESUME_GRACE_SECONDS: '0', GATEWAY_STREAM_RETENTION_SECONDS: '60' }, '/'),
    ).toMatchObject({ streamResumeGraceMs: 0, streamRetentionMs: 60_000 });
    expect(() => loadConfig({ GATEWAY_STREAM_RESUME_GRACE_SECONDS: '3601' }, '/')).toThrow(
      /GATEWAY_STREAM_RESUME_GRACE_SECONDS must be a whole number of seconds between 0 and 3600/,
    );
    expect(() => loadConfig({ GATEWAY_STREAM_MAX_MIB: '8', GATEWAY_STREAM_TOTAL_MAX_MIB: '4' }, '/')).toThrow(
      /GATEWAY_STREAM_MAX_MIB must not exceed GATEWAY_STREAM_TOTAL_MAX_MIB/,
    );
  });

  it('issue 18: GATEWAY_CORS_ORIGINS is a list of exact origins, empty by default', () => {
    expect(loadConfig({}, '/').corsOrigins).toEqual([]);
    expect(
      loadConfig(
        { GATEWAY_CORS_ORIGINS: ' https://notes.example.com, http://localhost:5173,https://notes.example.com' },
        '/',
      ).corsOrigins,
    ).toEqual(['https://notes.example.com', 'http://localhost:5173']);
    for (const bad of ['*', 'https://notes.example.com/', 'notes.example.com', 'https://a.example,ftp://b.example']) {
      expect(() => loadConfig({ GATEWAY_CORS_ORIGINS: bad }, '/')).toThrow(
        /GATEWAY_CORS_ORIGINS must be a comma-separated list of exact origins/,
      );
    }
  });

  it('should derive the default public URL from the port and treat blank values as unset', () => {
    const config = loadConfig({ GATEWAY_PORT: '9000', GATEWAY_LOG_LEVEL: '  ' }, '/');
    expect(config.publicUrl.href).toBe('http://localhost:9000/');
    expect(config.logLevel).toBe('info');
  });

  it('should turn on https behaviour for an https public URL', () => {
    expect(loadConfig({ GATEWAY_PUBLIC_URL: 'https://ai.example.com' }, '/').isHttps).toBe(true);
  });

  it.each([
    ['GATEWAY_PORT', 'abc', /GATEWAY_PORT must be an integer between 0 and 65535 \(got "abc"\)/],
    ['GATEWAY_PORT', '70000', /GATEWAY_PORT must be between 0 and 65535/],
    ['GATEWAY_PUBLIC_URL', 'localhost:8787', /GATEWAY_PUBLIC_URL must be an absolute http\(s\) URL/],
    ['GATEWAY_PUBLIC_URL', 'ftp://example.com', /GATEWAY_PUBLIC_URL must be an absolute http\(s\) URL/],
    ['GATEWAY_LOG_LEVEL', 'loud', /GATEWAY_LOG_LEVEL .*\(got "loud"\)/],
    ['GATEWAY_TRUST_PROXY', 'sometimes', /GATEWAY_TRUST_PROXY must be true, false, a hop count/],
    ['GATEWAY_SESSION_IDLE_HOURS', '-1', /GATEWAY_SESSION_IDLE_HOURS must be a positive number of hours/],
  ])('should reject %s=%s with a message naming the variable', (name, value, message) => {
    expect(() => loadConfig({ [name]: value }, '/')).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value }, '/')).toThrow(message);
  });

  it('should accept a base64 or hex 32-byte encryption key and never echo a bad one', () => {
    const key = Buffer.alloc(32, 7);
    expect(loadConfig({ GATEWAY_ENCRYPTION_KEY: key.toString('base64') }, '/').encryptionKey).toEqual(key);
    expect(loadConfig({ GATEWAY_ENCRYPTION_KEY: key.toString('hex') }, '/').encryptionKey).toEqual(key);
    const attempt = () => loadConfig({ GATEWAY_ENCRYPTION_KEY: 'too-short-secret' }, '/');
    expect(attempt).toThrow(/GATEWAY_ENCRYPTION_KEY must be 32 random bytes/);
    expect(attempt).not.toThrow(/too-short-secret/);
  });

  it('issue 19: should read the metrics token (never echoing a bad one) and the OTLP endpoint, both off by default', () => {
    expect(loadConfig({}, '/')).toMatchObject({ metricsToken: null, otlpEndpoint: null });
    const token = 'a'.repeat(32);
    expect(
      loadConfig({ GATEWAY_METRICS_TOKEN: token, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318/' }, '/'),
    ).toMatchObject({ metricsToken: token, otlpEndpoint: 'http://127.0.0.1:4318' });
    const short = () => loadConfig({ GATEWAY_METRICS_TOKEN: 'too-short-secret' }, '/');
    expect(short).toThrow(/GATEWAY_METRICS_TOKEN must be at least 32 characters/);
    expect(short).not.toThrow(/too-short-secret/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, '/')).toThrow(
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http\(s\) URL/,
    );
  });

  it('should parse every trust-proxy form', () => {
    expect(loadConfig({ GATEWAY_TRUST_PROXY: 'true' }, '/').trustProxy).toBe(true);
    expect(loadConfig({ GATEWAY_TRUST_PROXY: '2' }, '/').trustProxy).toBe(2);
    expect(loadConfig({ GATEWAY_TRUST_PROXY: '10.0.0.1, 10.0.0.0/8' }, '/').trustProxy).toEqual([
      '10.0.0.1',
      '10.0.0.0/8',
    ]);
  });

  it('should refuse an idle timeout longer than the absolute lifetime', () => {
    expect(() => loadConfig({ GATEWAY_SESSION_IDLE_HOURS: '48', GATEWAY_SESSION_MAX_HOURS: '24' }, '/')).toThrow(
      /GATEWAY_SESSION_IDLE_HOURS must not exceed GATEWAY_SESSION_MAX_HOURS/,
    );
  });

  it('should derive the MCP identifiers from the public URL without a trailing slash, and bound token lifetimes', () => {
    const config = loadConfig({ GATEWAY_PUBLIC_URL: 'https://ai.example.com/' }, '/');
    expect(config.mcpResourceUrl).toBe('https://ai.example.com/mcp');
    expect(config.oauthIssuer).toBe('https://ai.example.com/oauth');
    expect(config.oauthAccessTokenTtlSeconds).toBe(3600);
    expect(config.oauthRefreshTokenTtlSeconds).toBe(30 * 24 * 3600);
    expect(config.oauthMaxClients).toBe(500);
    expect(loadConfig({ GATEWAY_OAUTH_ACCESS_TOKEN_MINUTES: '15' }, '/').oauthAccessTokenTtlSeconds).toBe(900);
    expect(() => loadConfig({ GATEWAY_OAUTH_ACCESS_TOKEN_MINUTES: '1' }, '/')).toThrow(
      /GATEWAY_OAUTH_ACCESS_TOKEN_MINUTES must be a whole number of minutes between 5 and 1440/,
    );
    expect(() => loadConfig({ GATEWAY_OAUTH_REFRESH_TOKEN_DAYS: 'forever' }, '/')).toThrow(/between 1 and 365/);
  });
});
