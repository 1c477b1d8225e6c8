import { getNamedType, GraphQLEnumType, isListType, isNonNullType, type GraphQLArgument, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import { ExportParameterError, type ForecastExport } from '../planning/forecast-export';

/**
 * Turns an export's string parameters (URL query or command-line options) into the GraphQL operation it runs. The
 * parameters are the query field's own arguments, read by their schema types, so the export takes exactly what the
 * GraphQL query takes and new arguments need no change here; only nested inputs are composed by the export.
 */

/** A parameter as the URL and the command line take it. */
export interface ExportParameter {
  name: string;
  description: string;
  required: boolean;
  /** Takes several values (comma-separated or repeated). */
  list: boolean;
}

function allArguments(schema: GraphQLSchema, exp: ForecastExport): readonly GraphQLArgument[] {
  const field = schema.getQueryType()?.getFields()[exp.field];
  if (!field) throw new Error(`the schema has no Query.${exp.field}`);
  return field.args;
}

/** The field's arguments taken as parameters of the same name (all but the composed ones). */
function fieldArguments(schema: GraphQLSchema, exp: ForecastExport): readonly GraphQLArgument[] {
  return allArguments(schema, exp).filter((a) => !exp.composed.arguments.includes(a.name));
}

/** Every parameter of an export, the field's plain arguments first. */
export function exportParameters(schema: GraphQLSchema, exp: ForecastExport): ExportParameter[] {
  return [
    ...fieldArguments(schema, exp).map((a) => {
      const type = getNamedType(a.type);
      const values =
        type instanceof GraphQLEnumType
          ? ` (${type
              .getValues()
              .map((v) => v.name.toLowerCase())
              .join(', ')})`
          : '';
      return {
        name: a.name,
        description: `${(a.description ?? a.name).replace(/\.$/, '')}${values}`,
        required: isNonNullType(a.type) && a.defaultValue === undefined,
        list: isListType(isNonNullType(a.type) ? a.type.ofType : a.type),
      };
    }),
    ...exp.composed.parameters.map((p) => ({ name: p.name, description: p.description, required: false, list: p.list ?? false })),
  ];
}

/** One string as a value of a scalar or enum type. */
function scalarValue(name: string, type: GraphQLInputType, raw: string): unknown {
  const named = getNamedType(type);
  if (named instanceof GraphQLEnumType) return raw.trim().replace(/-/g, '_').toUpperCase();
  const text = raw.trim();
  switch (named.name) {
    case 'Int': {
      const n = Number(text);
      if (!text || !Number.isInteger(n)) throw new ExportParameterError(name, `expected a whole number (got ${JSON.stringify(raw)})`);
      return n;
    }
    case 'Float': {
      const n = Number(text);
      if (!text || !Number.isFinite(n)) throw new ExportParameterError(name, `expected a number (got ${JSON.stringify(raw)})`);
      return n;
    }
    case 'Boolean':
      if (text !== 'true' && text !== 'false') throw new ExportParameterError(name, `expected true or false (got ${JSON.stringify(raw)})`);
      return text === 'true';
    default:
      return text;
  }
}

/** What a parameter was given as: one string, repeated strings, or nothing. */
export type ParameterValues = Record<string, string | string[] | undefined>;

/** The operation of an export for the given parameters; throws ExportParameterError naming a parameter it cannot read. */
export function exportOperation(
  schema: GraphQLSchema,
  exp: ForecastExport,
  given: ParameterValues,
): { query: string; variables: Record<string, unknown> } {
  const args = fieldArguments(schema, exp);
  const known = new Set([...args.map((a) => a.name), ...exp.composed.parameters.map((p) => p.name)]);
  for (const name of Object.keys(given)) {
    if (!known.has(name) && given[name] !== undefined) {
      throw new ExportParameterError(name, `not a parameter of the ${exp.name} export (it takes ${[...known].join(', ')})`);
    }
  }
  const read = (name: string): string | undefined => {
    const value = given[name];
    return value === undefined ? undefined : Array.isArray(value) ? value.join(',') : value;
  };
  const variables: Record<string, unknown> = {};
  for (const arg of args) {
    const raw = read(arg.name);
    if (raw === undefined) continue;
    const type = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
    variables[arg.name] = isListType(type)
      ? raw
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
          .map((v) => scalarValue(arg.name, type, v))
      : scalarValue(arg.name, arg.type, raw);
  }
  Object.assign(variables, exp.compose(read));
  const declared = allArguments(schema, exp).filter((a) => variables[a.name] !== undefined);
  const header = declared.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = declared.map((a) => `${a.name}: $${a.name}`).join(', ');
  return {
    query: `query Export${header ? `(${header})` : ''} { ${exp.field}${call ? `(${call})` : ''} { ${exp.selection} } }`,
    variables,
  };
}
