import { Ctx, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../api/context';

/** A trivial query clients can use to check the API and its database from GraphQL itself. */
@Resolver()
export class HealthResolver {
  @Query(() => Boolean, { description: 'True when the API can reach its database.' })
  async healthy(@Ctx() ctx: ApiContext): Promise<boolean> {
    await ctx.sql.query('SELECT 1', []);
    return true;
  }
}
