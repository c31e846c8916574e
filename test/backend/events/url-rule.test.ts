import { describe, expect, it } from 'vitest';
import { checkNotifyUrl } from '../../../backend/events/url-rule.js';

describe('the webhook URL rule', () => {
  it('takes public http and https URLs', () => {
    expect(checkNotifyUrl('https://hooks.example.com/aws-exec', false)).toBeUndefined();
    expect(checkNotifyUrl('http://93.184.216.34:8080/x', false)).toBeUndefined();
  });

  it('refuses other schemes and non-URLs, naming the field', () => {
    expect(checkNotifyUrl('ftp://example.com/x', false)).toMatch(/^Expected notify\.url to be an http\(s\) URL, got a ftp: URL/);
    expect(checkNotifyUrl('not a url', true)).toMatch(/^Expected notify\.url to be an http\(s\) URL, got `not a url`/);
    expect(checkNotifyUrl('https://user:pw@example.com/', false)).toMatch(/without credentials/);
  });

  it('refuses loopback, link-local and private hosts unless the deployment allows them', () => {
    for (const url of [
      'http://127.0.0.1:9001/2018-06-01/runtime/invocation/next',
      'http://localhost/',
      'http://api.localhost/',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.1.2.3/',
      'http://172.20.0.1/',
      'http://192.168.1.1/',
      'http://[::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[fd00::1]/',
    ]) {
      expect(checkNotifyUrl(url, false), url).toMatch(/to name a public host/);
      expect(checkNotifyUrl(url, true), url).toBeUndefined();
    }
  });
});
