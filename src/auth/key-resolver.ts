import { DateTimeResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import type { ApiContext } from '../api/context';
import { ApiError, ErrorCode } from '../api/errors';
import { SegmentFilterInput } from '../metrics/targets/segment-filter-input';
import { ROLES, type Role } from './caller';
import { KeyStore, type ApiKeyRecord } from './key-store';

export const RoleEnum = Object.fromEntries(ROLES.map((r) => [r.toUpperCase(), r])) as Record<string, Role>;
registerEnumType(RoleEnum, {
  name: 'Role',
  description:
    'ADMIN: everything (targets, calendars, keys, audit log). ANALYST: read every metric. PARTNER: read metrics inside its scope. INGEST: send records to POST /ingest/<entity>; read nothing.',
});

@ObjectType({ description: "A partner key's scope: the allowed values per dimension (null = that dimension is not restricted)." })
class KeyScope {
  @Field(() => [String], { nullable: true }) channel?: string[];
  @Field(() => [String], { nullable: true }) product?: string[];
  @Field(() => [String], { nullable: true }) tier?: string[];
  @Field(() => [String], { nullable: true }) priority?: string[];
  @Field(() => [String], { nullable: true }) team?: string[];
  @Field(() => [String], { nullable: true }) agent?: string[];
}

@ObjectType({ description: 'An API key, without its secret (only a hash of it is stored).' })
export class ApiKeyInfo {
  @Field(() => String) name: string;
  @Field(() => RoleEnum) role: Role;
  @Field(() => KeyScope, { nullable: true, description: 'Partners only.' }) scope: KeyScope | null;
  @Field(() => DateTimeResolver) createdAt: Date;
  @Field(() => DateTimeResolver, { nullable: true }) expiresAt: Date | null;
  @Field(() => DateTimeResolver, { nullable: true }) revokedAt: Date | null;
  @Field(() => DateTimeResolver, { nullable: true, description: 'Last use, to the minute.' }) lastUsedAt: Date | null;
  @Field(() => Boolean, { description: 'Neither revoked nor expired.' }) active: boolean;
}

@ObjectType({ description: 'A new API key and its secret.' })
class CreatedApiKey {
  @Field(() => ApiKeyInfo) key: ApiKeyInfo;
  @Field(() => String, { description: 'The key to send as `Authorization: Bearer <secret>`. Shown this once: it is not stored.' }) secret: string;
}

const info = (k: ApiKeyRecord): ApiKeyInfo => ({
  ...k,
  scope: k.scope ? ({ ...k.scope } as KeyScope) : null,
  active: !k.revokedAt && !(k.expiresAt && k.expiresAt.getTime() <= Date.now()),
});

/** Admin-only management of API keys over GraphQL (the CLI offers the same: deskmetrics keys). */
@Resolver()
export class KeyResolver {
  @Authorized('admin')
  @Mutation(() => CreatedApiKey, { description: 'Creates an API key; its secret is in the answer and cannot be shown again.' })
  async createApiKey(
    @Arg('name', () => String, { description: 'Unique name, e.g. the partner: letters, digits, ".", "_", "@", "-".' }) name: string,
    @Arg('role', () => RoleEnum) role: Role,
    @Arg('scope', () => SegmentFilterInput, { nullable: true, description: 'Required for PARTNER keys, not allowed for others.' })
    scope: SegmentFilterInput | null,
    @Arg('expiresAt', () => DateTimeResolver, { nullable: true }) expiresAt: Date | null,
    @Ctx() ctx: ApiContext,
  ): Promise<CreatedApiKey> {
    const { key, token } = await new KeyStore(ctx.sql).create({ name, role, scope: scope ? { ...scope } : null, expiresAt });
    return { key: info(key), secret: token };
  }

  @Authorized('admin')
  @Mutation(() => ApiKeyInfo, { description: 'Revokes a key at once; requests with it are refused from then on.' })
  async revokeApiKey(@Arg('name', () => String) name: string, @Ctx() ctx: ApiContext): Promise<ApiKeyInfo> {
    const key = await new KeyStore(ctx.sql).revoke(name);
    if (!key) throw new ApiError(ErrorCode.NOT_FOUND, `name: no API key named ${JSON.stringify(name)}`, 'name');
    return info(key);
  }

  @Authorized('admin')
  @Query(() => [ApiKeyInfo], { description: 'Every API key, newest first, without secrets.' })
  async apiKeys(@Ctx() ctx: ApiContext): Promise<ApiKeyInfo[]> {
    return (await new KeyStore(ctx.sql).list()).map(info);
  }
}
