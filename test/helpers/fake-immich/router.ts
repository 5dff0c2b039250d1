/** Route table: handlers are keyed by the OpenAPI method + path template, so permissions come from the spec. */
import type { Capabilities } from './config.js';
import type { Reply, RequestContext } from './http.js';

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

export interface RouteDef {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path template exactly as in the OpenAPI document, without `/api`. */
  template: string;
  handler: Handler;
  /** When this capability (or any of these) is switched off the route answers 404 like an older server. */
  capability?: keyof Capabilities | (keyof Capabilities)[];
}

export class RouteTable {
  private readonly routes = new Map<string, RouteDef>();

  add(defs: RouteDef[]): this {
    for (const def of defs) this.routes.set(`${def.method} ${def.template}`, def);
    return this;
  }

  get(method: string, template: string): RouteDef | undefined {
    return this.routes.get(`${method.toUpperCase()} ${template}`);
  }
}

export function routeSwitchedOff(route: RouteDef, capabilities: Capabilities): boolean {
  const needs = route.capability === undefined ? [] : Array.isArray(route.capability) ? route.capability : [route.capability];
  return needs.some((name) => !capabilities[name]);
}
