/**
 * Finds the route for a method and path. A path that matches some pattern
 * under another method is a 405 (the spec: M_UNRECOGNIZED with 405 when the
 * endpoint exists but the method is wrong, 404 when it does not exist).
 */
import { MatrixError } from '../../core/errors.js';
import type { Route } from './route.js';

/** A path segment of a pattern: a literal, or a named parameter. */
type Segment = { literal: string } | { param: string };

interface Compiled {
  route: Route;
  segments: Segment[];
}

/** The outcome of a lookup. */
export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'not-found' };

/** Routes by (method, path pattern). */
export class Router {
  private readonly routes: Compiled[] = [];

  /** Adds `route`. Throws if the same method already has an equivalent pattern. */
  add(route: Route): void {
    const segments = compile(route.path);
    const shape = shapeOf(segments);
    for (const other of this.routes) {
      if (other.route.method === route.method && shapeOf(other.segments) === shape) {
        throw new Error(`${route.method} ${route.path} is already registered`);
      }
    }
    this.routes.push({ route, segments });
  }

  /**
   * The route for `method` and the raw `path` (query string allowed, ignored
   * here). Literal segments compare raw; parameters are percent-decoded, and
   * an undecodable one is M_INVALID_PARAM.
   */
  match(method: string, path: string): RouteMatch {
    const query = path.indexOf('?');
    const parts = (query === -1 ? path : path.slice(0, query)).split('/');
    const allowed: string[] = [];
    for (const { route, segments } of this.routes) {
      const params = matchSegments(segments, parts);
      if (params === undefined) continue;
      if (route.method === method) return { kind: 'found', route, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'not-found' };
  }
}

function compile(pattern: string): Segment[] {
  if (!pattern.startsWith('/') || pattern.includes('?')) {
    throw new Error(`Route path ${JSON.stringify(pattern)} must start with / and have no query`);
  }
  return pattern.split('/').map((part) => {
    const param = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(part);
    return param ? { param: param[1]! } : { literal: part };
  });
}

/** Two patterns with the same shape would match the same paths. */
function shapeOf(segments: Segment[]): string {
  return segments.map((s) => ('literal' in s ? `=${s.literal}` : '*')).join('/');
}

function matchSegments(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const part = parts[i]!;
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      if (part === '') return undefined;
      params[segment.param] = decodeParam(segment.param, part);
    }
  }
  return params;
}

function decodeParam(name: string, raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (cause) {
    throw new MatrixError('M_INVALID_PARAM', `Path parameter ${name} is badly encoded`, { cause });
  }
}
