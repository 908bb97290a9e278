import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('the ad decision settings', () => {
  it('default to a cap of 3, a 30-day lookback and a 50 ms deadline', () => {
    const config = loadConfig({});
    expect([config.ADS_FREQUENCY_CAP, config.ADS_LOOKBACK_DAYS, config.ADS_DEADLINE_MS]).toEqual([3, 30, 50]);
  });

  it('take whole numbers from the environment', () => {
    const config = loadConfig({ ADS_FREQUENCY_CAP: '5', ADS_LOOKBACK_DAYS: '7', ADS_DEADLINE_MS: '120' });
    expect([config.ADS_FREQUENCY_CAP, config.ADS_LOOKBACK_DAYS, config.ADS_DEADLINE_MS]).toEqual([5, 7, 120]);
  });

  it.each([
    ['ADS_FREQUENCY_CAP', '0', 'from 1 to 1000'],
    ['ADS_FREQUENCY_CAP', '2.5', 'from 1 to 1000'],
    ['ADS_FREQUENCY_CAP', 'three', 'from 1 to 1000'],
    ['ADS_LOOKBACK_DAYS', '-1', 'from 1 to 3650'],
    ['ADS_LOOKBACK_DAYS', '30d', 'from 1 to 3650'],
    ['ADS_LOOKBACK_DAYS', '5000', 'from 1 to 3650'],
    ['ADS_DEADLINE_MS', '1', 'from 5 to 10000'],
    ['ADS_DEADLINE_MS', '50ms', 'from 5 to 10000'],
    ['ADS_DEADLINE_MS', '60000', 'from 5 to 10000'],
  ])('refuses %s=%s with a message naming it', (name, value, range) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`invalid environment:\n  ${name}: must be a whole number ${range}`);
  });
});
