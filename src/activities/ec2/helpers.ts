import type { Filter, Tag, TagSpecification } from '@aws-sdk/client-ec2';
import { SETUP_ID_TAG } from '../../domain/aws/tags';

type Ec2ResourceType = NonNullable<TagSpecification['ResourceType']>;

export function toTags(tags: Record<string, string>): Tag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function tagSpec(resourceType: Ec2ResourceType, tags: Record<string, string>): TagSpecification[] {
  return [{ ResourceType: resourceType, Tags: toTags(tags) }];
}

export function tagValue(tags: Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

export function setupFilter(setupId: string): Filter {
  return { Name: `tag:${SETUP_ID_TAG}`, Values: [setupId] };
}

/** moto ignores some filters, and AWS is eventually consistent with tags: check in code too. */
export function hasSetupTag(tags: Tag[] | undefined, setupId: string): boolean {
  return tagValue(tags, SETUP_ID_TAG) === setupId;
}

/** Drains an SDK paginator into one list. */
export async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

/** A resource carrying every one of these tags (a route table chosen by `routeTableTags`). */
export function carriesTags(tags: Tag[] | undefined, wanted: Record<string, string>): boolean {
  return Object.entries(wanted).every(([key, value]) => tagValue(tags, key) === value);
}

/** `Tier=private, Zone=a`, as messages name them. */
export function describeTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
}
