import { describe, expect, it } from 'vitest';
import { BusConfig } from '../bus/config.ts';
import { CollectorConfig } from '../collector/config.ts';
import { ConfigError, parseEnv } from './env.ts';

describe('configuration from the environment', () => {
  it('applies the documented defaults', () => {
    const collector = parseEnv(CollectorConfig, {
      WARDEN_INGEST_TOKENS: 'tok-acme-0123456789abcdef=acme',
      WARDEN_FINGERPRINT_KEY: 'fp-key-0123456789abcdef0123456789abcdef',
    });
    expect(collector).toMatchObject({
      WARDEN_OTLP_HOST: '127.0.0.1',
      WARDEN_OTLP_GRPC_PORT: 4317,
      WARDEN_OTLP_HTTP_PORT: 4318,
      WARDEN_OTLP_GRPC_MAX_BYTES: 4 << 20,
      WARDEN_OTLP_HTTP_MAX_BYTES: 20 << 20,
      WARDEN_OTLP_REQUEST_TIMEOUT_MS: 30_000,
      WARDEN_EVENT_TTL_DAYS: 90,
      WARDEN_SECRETS_AT_REST: 'mask',
    });
    expect(collector.secretFingerprint?.('AKIA4QWERTYUIOPASDFG')).toMatch(/^[0-9a-f]{16}$/);
    // Masking needs the key; keeping secrets in clear does not.
    expect(() =>
      parseEnv(CollectorConfig, { WARDEN_INGEST_TOKENS: 'tok-acme-0123456789abcdef=acme' }),
    ).toThrow(/WARDEN_FINGERPRINT_KEY: required to mask secrets at rest/);
    const clear = parseEnv(CollectorConfig, {
      WARDEN_INGEST_TOKENS: 'tok-acme-0123456789abcdef=acme',
      WARDEN_SECRETS_AT_REST: 'clear',
    });
    expect(clear.secretFingerprint).toBeUndefined();
    expect(collector.WARDEN_INGEST_TOKENS.get('tok-acme-0123456789abcdef')).toEqual({ workspace: 'acme' });
    const bus = parseEnv(BusConfig, { KAFKA_BROKERS: ' a:9092, b:9092 ,', WARDEN_KAFKA_PARTITIONS: '' });
    expect(bus).toMatchObject({
      KAFKA_BROKERS: ['a:9092', 'b:9092'],
      WARDEN_KAFKA_PARTITIONS: 12,
      WARDEN_DATA_DIR: '.warden',
    });
  });

  it('reports every bad variable at once, without echoing token values', () => {
    let message = '';
    try {
      parseEnv(CollectorConfig, {
        WARDEN_OTLP_GRPC_PORT: 'http',
        WARDEN_OTLP_HTTP_MAX_BYTES: '10',
        WARDEN_INGEST_TOKENS: 'secret-value-0123456789',
      });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    expect(message).toContain('WARDEN_OTLP_GRPC_PORT');
    expect(message).toContain('WARDEN_OTLP_HTTP_MAX_BYTES');
    expect(message).toContain('WARDEN_INGEST_TOKENS');
    expect(message).not.toContain('secret-value');
    expect(() => parseEnv(CollectorConfig, {})).toThrow(/WARDEN_INGEST_TOKENS/);
  });
});
