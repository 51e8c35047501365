// Type-checked with `tsc --noEmit -p test` (never run): the API as a TypeScript caller uses it.
import { EcrClient, errorCodes, version } from '../index.js'
import type { EcrError, ImageDetail, ImageId, Repository, RepositorySettings } from '../index.js'

async function main(): Promise<void> {
  const client = new EcrClient({ region: 'eu-west-1', endpointUrl: undefined })
  const settings: RepositorySettings = { tagMutability: 'IMMUTABLE', scanOnPush: true }
  const repo: Repository = await client.createRepository('team/service', settings)
  const uri: string = repo.repositoryUri
  const again: Repository = await client.describeRepository('team/service')
  const all: Repository[] = await client.listRepositories()
  const id: ImageId = await client.putImage('team/service', '{}', { tag: 'v1', digest: 'sha256:0' })
  const images: ImageDetail[] = await client.describeImages('team/service', ['v1', { imageDigest: 'sha256:0' }])
  const status: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING' = images[0].imageStatus
  const codes: string[] = errorCodes()
  const v: string = version()
  try {
    await client.describeRepository('missing')
  } catch (e) {
    const err = e as EcrError
    const code: string = err.code
    const rid: string | null = err.requestId
    void [uri, again, all, id, status, codes, v, code, rid, err.errors?.map((f) => f.path)]
  }
}

void main

import { parseReference } from '../index.js'
import type { ParsedReference } from '../index.js'
const parsed: ParsedReference = parseReference('public.ecr.aws/nginx/nginx:latest')
const kind: 'private' | 'public' = parsed.kind
void kind
