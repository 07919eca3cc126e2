import { HoodyApiError } from './errors';
import { parseResponse } from './response';

const req = { method: 'POST', url: 'http://h/api/v1/projects/p/containers' };

function apiError(fn: () => unknown): HoodyApiError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HoodyApiError) return err;
    throw err;
  }
  throw new Error('expected a HoodyApiError');
}

describe('parseResponse', () => {
  it('returns the envelope of a 2xx answer', () => {
    const text = JSON.stringify({ statusCode: 201, message: 'Container created', data: { id: 'c1' } });
    expect(parseResponse({ status: 201, statusText: 'Created', text }, req)).toEqual({
      statusCode: 201,
      message: 'Container created',
      data: { id: 'c1' },
    });
  });

  it('keeps data: null (a delete)', () => {
    const text = JSON.stringify({ statusCode: 200, message: 'Container deleted', data: null });
    expect(parseResponse({ status: 200, statusText: 'OK', text }, req).data).toBeNull();
  });

  it('reads an empty 2xx body (204) as data: null', () => {
    expect(parseResponse({ status: 204, statusText: 'No Content', text: '' }, req)).toEqual({
      statusCode: 204,
      message: 'No Content',
      data: null,
    });
  });

  it('maps an error body to HoodyApiError with status, code and message', () => {
    const text = JSON.stringify({ statusCode: 409, error: 'NAME_TAKEN', message: 'A container named "web" exists in this project' });
    const err = apiError(() => parseResponse({ status: 409, statusText: 'Conflict', text }, req));
    expect(err).toMatchObject({
      statusCode: 409,
      error: 'NAME_TAKEN',
      message: 'A container named "web" exists in this project',
      data: undefined,
      method: 'POST',
      url: req.url,
    });
    expect(err.name).toBe('HoodyApiError');
  });

  it('carries validation details', () => {
    const body = {
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: 'body/name must match pattern',
      data: [{ instancePath: '/name', message: 'must match pattern "^[a-zA-Z0-9_-]+$"' }],
    };
    const err = apiError(() => parseResponse({ status: 400, statusText: 'Bad Request', text: JSON.stringify(body) }, req));
    expect(err.error).toBe('VALIDATION_FAILED');
    expect(err.data).toEqual([{ instancePath: '/name', message: 'must match pattern "^[a-zA-Z0-9_-]+$"' }]);
    expect(err.body).toEqual(body);
  });

  it('uses the HTTP status and text when the error body is not the contract (a proxy page)', () => {
    const err = apiError(() => parseResponse({ status: 502, statusText: 'Bad Gateway', text: '<html><body>bad gateway</body></html>' }, req));
    expect(err.statusCode).toBe(502);
    expect(err.error).toBe('HTTP_502');
    expect(err.message).toBe('Bad Gateway: <html><body>bad gateway</body></html>');
  });

  it('uses the status text for an empty error body', () => {
    const err = apiError(() => parseResponse({ status: 503, statusText: 'Service Unavailable', text: '' }, req));
    expect(err).toMatchObject({ statusCode: 503, error: 'HTTP_503', message: 'Service Unavailable' });
  });

  it('refuses a 2xx answer that is not an envelope', () => {
    expect(apiError(() => parseResponse({ status: 200, statusText: 'OK', text: 'hello' }, req)).error).toBe('INVALID_RESPONSE');
    expect(apiError(() => parseResponse({ status: 200, statusText: 'OK', text: '[1,2]' }, req)).error).toBe('INVALID_RESPONSE');
  });
});
