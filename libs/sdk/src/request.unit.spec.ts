import { apiRoot, queryString, requestUrl } from './request';

describe('apiRoot', () => {
  it.each([
    ['https://api.hoody.icu', 'https://api.hoody.icu/api/v1'],
    ['https://api.hoody.icu/', 'https://api.hoody.icu/api/v1'],
    ['https://api.hoody.icu/api/v1', 'https://api.hoody.icu/api/v1'],
    ['https://api.hoody.icu/api/v1/', 'https://api.hoody.icu/api/v1'],
    ['http://507f1f77bcf86cd799439011.api.localhost:8080', 'http://507f1f77bcf86cd799439011.api.localhost:8080/api/v1'],
    ['http://127.0.0.1:8080/hoody', 'http://127.0.0.1:8080/hoody/api/v1'],
    ['HTTPS://API.Hoody.ICU', 'https://api.hoody.icu/api/v1'],
  ])('%s → %s', (base, root) => {
    expect(apiRoot(base)).toBe(root);
  });

  it.each(['api.hoody.icu', 'ftp://api.hoody.icu', '', 'https://api.hoody.icu/?realm=x'])('refuses %p', (base) => {
    expect(() => apiRoot(base)).toThrow(TypeError);
  });
});

describe('queryString', () => {
  it('leaves out undefined and null, stringifies numbers and booleans', () => {
    expect(queryString({ page: 2, limit: 50, include_prespawn: true, sort_by: undefined, realm_id: null })).toBe(
      '?page=2&limit=50&include_prespawn=true',
    );
  });

  it('is empty without parameters', () => {
    expect(queryString(undefined)).toBe('');
    expect(queryString({ page: undefined })).toBe('');
  });

  it('encodes values', () => {
    expect(queryString({ event_type: 'container.running', label: 'a b&c' })).toBe('?event_type=container.running&label=a+b%26c');
  });
});

describe('requestUrl', () => {
  it('joins the API root, the path and the query', () => {
    expect(requestUrl('https://507f1f77bcf86cd799439011.api.hoody.icu', { path: '/containers' })).toBe(
      'https://507f1f77bcf86cd799439011.api.hoody.icu/api/v1/containers',
    );
    expect(requestUrl('http://127.0.0.1:8080/api/v1/', { path: '/containers', query: { page: 1 } })).toBe(
      'http://127.0.0.1:8080/api/v1/containers?page=1',
    );
  });
});
