// The REST conventions layer of the gateway: routes as declarative definitions, registered on
// Fastify with every convention of the contract, and the OpenAPI document made from the same
// definitions. See README.md.
export {
  defineRoute,
  RouteDefinitionError,
  HTTP_METHODS,
  type Route,
  type RouteSpec,
  type RouteRequest,
  type ResponseSpec,
  type RefusedField,
  type HttpMethod,
  type AuthMode,
  type SuccessStatus,
  type PathParamNames,
  type ParamSchemas,
} from './route';
export {
  registerRoutes,
  type RegisterRoutesOptions,
  type Refusal,
  type SuccessBody,
  DEFAULT_PREFIX,
  DEFAULT_API_DOMAIN,
  DEFAULT_BODY_LIMIT,
} from './register';
export { ResponseCache, type ResponseCacheOptions } from './response-cache';
export {
  buildOpenApi,
  type OpenApiInfo,
  type BuildOpenApiOptions,
  type OpenApiDocument,
  type OpenApiOperation,
  type OpenApiParameter,
} from './openapi';
export { ApiError, ErrorCodes, describeIssues, isApiError, type ErrorBody, type ValidationIssue } from './errors';
export { apiErrorFromGrpc, grpcErrorCode, isGrpcServiceError, internalError, type GrpcErrorOptions } from './grpc-errors';
export { toApiError, malformedJson, type ToApiErrorOptions } from './to-api-error';
export {
  type Principal,
  type Authenticator,
  type AuthContext,
  type CachedAuthenticatorOptions,
  cachedAuthenticator,
  tokenFromHeader,
  realmFromHost,
  normalizeDomain,
  TOKEN_PREFIX,
} from './auth';
export {
  ID_PATTERN,
  ID_MESSAGE,
  idSchema,
  isId,
  isIdPatternIssue,
  booleanQuery,
  integerQuery,
  pageQuerySchema,
  type PageQueryOptions,
  type SortOrder,
  paginationSchema,
  type Pagination,
  paged,
  pagedSchema,
  type Paged,
} from './schemas';
export {
  parseOrThrow,
  validationError,
  validationErrorMap,
  toValidationIssues,
  jsonPointer,
  type RequestPart,
} from './validation';
