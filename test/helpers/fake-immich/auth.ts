/** API-key authentication and the per-operation permission check (403 texts as in Immich 3.1). */
import type { OperationInfo } from '../openapi-validator.js';
import { HttpError } from './http.js';
import type { FakeState } from './state.js';
import type { FakeApiKey, FakeUser } from './types.js';

export interface AuthResult {
  user: FakeUser;
  apiKey: FakeApiKey;
}

/** The key comes from `x-api-key` (any case; Node lower-cases header names) or `?apiKey=`. */
export function authenticate(state: FakeState, headerKey: string | string[] | undefined, queryKey: string | null): AuthResult {
  const secret = (Array.isArray(headerKey) ? headerKey[0] : headerKey) ?? queryKey ?? undefined;
  if (!secret) throw new HttpError(401, { message: 'Authentication required' });
  const apiKey = state.findKeyBySecret(secret);
  const user = apiKey ? state.users.get(apiKey.userId) : undefined;
  if (!apiKey || !user) throw new HttpError(401, { message: 'Invalid API key' });
  return { user, apiKey };
}

export function hasPermission(apiKey: FakeApiKey, permission: string): boolean {
  return apiKey.permissions.includes('all') || apiKey.permissions.includes(permission);
}

export function checkPermission(apiKey: FakeApiKey, operation: OperationInfo): void {
  if (operation.permission && !hasPermission(apiKey, operation.permission)) {
    throw new HttpError(403, { message: `Missing required permission: ${operation.permission}` });
  }
}
