import { describe, expect, it } from 'vitest';
import { StoreConfig } from './config.ts';

describe('StoreConfig', () => {
  it('defaults to chDB under .warden with a 90-day event TTL', () => {
    expect(StoreConfig.parse({})).toEqual({
      CLICKHOUSE_USER: 'default',
      CLICKHOUSE_PASSWORD: '',
      CLICKHOUSE_DATABASE: 'warden',
      WARDEN_DATA_DIR: '.warden',
      WARDEN_EVENT_TTL_DAYS: 90,
    });
  });

  it('parses a server setup and coerces numbers', () => {
    const c = StoreConfig.parse({
      CLICKHOUSE_URL: 'http://ch:8123',
      CLICKHOUSE_DATABASE: 'w_2',
      WARDEN_EVENT_TTL_DAYS: '0',
    });
    expect(c).toMatchObject({
      CLICKHOUSE_URL: 'http://ch:8123',
      CLICKHOUSE_DATABASE: 'w_2',
      WARDEN_EVENT_TTL_DAYS: 0,
    });
  });

  it.each([
    ['CLICKHOUSE_URL', 'ch:8123'],
    ['CLICKHOUSE_URL', 'tcp://ch:9000'],
    ['CLICKHOUSE_DATABASE', 'warden; DROP DATABASE x'],
    ['CLICKHOUSE_DATABASE', '1abc'],
    ['WARDEN_EVENT_TTL_DAYS', '-1'],
    ['WARDEN_EVENT_TTL_DAYS', '1.5'],
    ['WARDEN_EVENT_TTL_DAYS', 'ninety'],
    ['WARDEN_DATA_DIR', ''],
  ])('rejects %s=%j', (key, value) => {
    expect(StoreConfig.safeParse({ [key]: value }).success).toBe(false);
  });
});
