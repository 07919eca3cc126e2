// @hoody-ai/hoody-sdk: a typed client of the Hoody REST API (/api/v1).
export { HoodyClient, DEFAULT_TIMEOUT_MS } from './client';
export type { BoundRoutes, FetchLike, HoodyApi, HoodyClientOptions } from './client';
export { HoodyApiError, HoodyConnectionError, HoodyError, HoodyTimeoutError } from './errors';
export { API_PREFIX, apiRoot, queryString, requestUrl } from './request';
export type { ApiRequest, HttpMethod, Query, QueryValue } from './request';
export { parseResponse } from './response';
export type { RawResponse } from './response';
export { routes } from './routes';
export type { Routes } from './routes';
export * from './types';
