import type { AuthChecker } from 'type-graphql';
import type { ApiContext } from '../api/context';
import { ApiError, ErrorCode } from '../api/errors';
import type { Role } from './caller';

/**
 * type-graphql's check for @Authorized(roles): the caller's role must be listed. It throws FORBIDDEN itself, naming the
 * field and the roles it needs, instead of returning false (type-graphql's own error would become an internal error).
 */
export const authChecker: AuthChecker<ApiContext, Role> = ({ context, info }, roles) => {
  if (roles.length === 0 || roles.includes(context.caller.role)) return true;
  throw new ApiError(ErrorCode.FORBIDDEN, `${info.fieldName}: needs the ${roles.join(' or ')} role (this key is ${context.caller.role})`);
};
