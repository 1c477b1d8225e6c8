import type { ApolloServer } from '@apollo/server';
import type { Express, Request, RequestHandler, Response } from 'express';
import type { GraphQLFormattedError, GraphQLSchema } from 'graphql';
import type { ApiContext } from '../api/context';
import { ErrorCode } from '../api/errors';
import { ExportParameterError, FORECAST_EXPORTS, tableCsv, type ForecastExport } from '../planning/forecast-export';
import { exportOperation, type ParameterValues } from './export-operation';
import { contextFailure } from './http-errors';

/** Where each export is served: GET /export/forecast.csv and /export/staffing-plan.csv. */
export const exportPath = (exp: ForecastExport) => `/export/${exp.name}.csv`;

/** A CSV client has no GraphQL envelope to read: errors the API answers with 200 get their HTTP status here. */
const STATUS_OF_CODE: Record<string, number> = {
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.QUERY_TIMEOUT]: 504,
  [ErrorCode.DATABASE_UNAVAILABLE]: 503,
  [ErrorCode.INTERNAL_SERVER_ERROR]: 500,
};

function sendErrors(res: Response, status: number, errors: readonly GraphQLFormattedError[]): void {
  res.status(status).json({ errors });
}

/**
 * Mounts the CSV exports. Each runs its GraphQL query through Apollo as the request's caller, so an export is
 * authenticated, scoped, cost-checked, rate-limited and audited exactly as the same query sent to /graphql.
 */
export function mountForecastExports(
  app: Express,
  options: {
    schema: GraphQLSchema;
    apollo: ApolloServer<ApiContext>;
    context: (req: Request) => Promise<ApiContext>;
    /** ETag / 304 for unchanged data, as for GET queries (conditional-get.ts). */
    conditional: RequestHandler;
  },
): void {
  for (const exp of FORECAST_EXPORTS) {
    app.get(exportPath(exp), options.conditional, (req, res, next) => {
      void (async () => {
        let contextValue: ApiContext;
        try {
          contextValue = await options.context(req);
        } catch (err) {
          const failure = contextFailure(err);
          if (!failure) throw err;
          for (const [name, value] of failure.headers) res.setHeader(name, value);
          sendErrors(res, failure.status, [failure.error]);
          return;
        }
        let operation: ReturnType<typeof exportOperation>;
        try {
          operation = exportOperation(options.schema, exp, req.query as ParameterValues);
        } catch (err) {
          await contextValue.requestSql?.end();
          if (!(err instanceof ExportParameterError)) throw err;
          sendErrors(res, 400, [{ message: err.message, extensions: { code: ErrorCode.BAD_USER_INPUT, argument: err.parameter } }]);
          return;
        }
        const response = await options.apollo.executeOperation(operation, { contextValue });
        // The limits' RateLimit-* headers; the content type is the export's own.
        for (const [name, value] of response.http.headers) if (name !== 'content-type') res.setHeader(name, value);
        if (response.body.kind !== 'single') throw new Error('an export answered incrementally');
        const { data, errors } = response.body.singleResult;
        if (errors?.length) {
          // Apollo answers 500 for errors without a status of their own (a variable of the wrong type among them).
          const given = response.http.status;
          const status = given && given !== 200 && given !== 500 ? given : (STATUS_OF_CODE[String(errors[0].extensions?.code)] ?? 400);
          sendErrors(res, status, errors);
          return;
        }
        res
          .status(200)
          .type('text/csv; charset=utf-8')
          .setHeader('Content-Disposition', `attachment; filename="${exp.name}.csv"`)
          .send(tableCsv(exp.table((data as Record<string, unknown>)[exp.field])));
      })().catch(next);
    });
  }
}
