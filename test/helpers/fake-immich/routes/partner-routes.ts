/**
 * `/partners` as Immich v3.1.0's PartnerService: a user shares their whole library with another
 * (`POST`, created with "show in timeline" off), the receiving user turns the timeline on or off
 * (`PUT /partners/{sharedById}`), `GET ?direction=` lists the other user of each partnership with
 * its `inTimeline`. Search lists a partner's assets only while `inTimeline` is on.
 */
import { badRequest, bodyOf, json, noAccess, noContent, type RequestContext } from '../http.js';
import type { RouteDef } from '../router.js';
import { userDto } from '../serialize.js';
import type { FakePartner } from '../types.js';

/** `mapPartner`: the user who is not the requester, with the partnership's `inTimeline`. */
function partnerDto(ctx: RequestContext, partner: FakePartner, direction: 'shared-by' | 'shared-with'): Record<string, unknown> | undefined {
  const other = ctx.state.users.get(direction === 'shared-by' ? partner.sharedWithId : partner.sharedById);
  return other ? { ...userDto(other), inTimeline: partner.inTimeline } : undefined;
}

const find = (ctx: RequestContext, sharedById: string, sharedWithId: string): FakePartner | undefined =>
  ctx.state.partners.find((partner) => partner.sharedById === sharedById && partner.sharedWithId === sharedWithId);

export const partnerRoutes: RouteDef[] = [
  {
    method: 'GET',
    template: '/partners',
    handler: (ctx) => {
      const direction = ctx.query.get('direction') === 'shared-by' ? 'shared-by' : 'shared-with';
      const key = direction === 'shared-by' ? 'sharedById' : 'sharedWithId';
      const out = ctx.state.partners.filter((partner) => partner[key] === ctx.user.id).map((partner) => partnerDto(ctx, partner, direction));
      return json(200, out.filter((dto) => dto !== undefined));
    },
  },
  {
    method: 'POST',
    template: '/partners',
    handler: (ctx) => {
      const { sharedWithId } = bodyOf<{ sharedWithId: string }>(ctx);
      if (find(ctx, ctx.user.id, sharedWithId)) throw badRequest('Partner already exists');
      if (!ctx.state.users.has(sharedWithId)) throw badRequest('User not found');
      const partner = ctx.state.addPartner(ctx.user.id, sharedWithId, false);
      return json(201, partnerDto(ctx, partner, 'shared-by'));
    },
  },
  {
    method: 'PUT',
    template: '/partners/{id}',
    handler: (ctx) => {
      // The id is the user sharing with the requester; anything else fails the access check.
      const partner = find(ctx, ctx.params.id ?? '', ctx.user.id);
      if (!partner) throw noAccess('partner.update');
      partner.inTimeline = bodyOf<{ inTimeline: boolean }>(ctx).inTimeline;
      return json(200, partnerDto(ctx, partner, 'shared-with'));
    },
  },
  {
    method: 'DELETE',
    template: '/partners/{id}',
    handler: (ctx) => {
      const partner = find(ctx, ctx.user.id, ctx.params.id ?? '');
      if (!partner) throw badRequest('Partner not found');
      ctx.state.partners.splice(ctx.state.partners.indexOf(partner), 1);
      return noContent();
    },
  },
];
