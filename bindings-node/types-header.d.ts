/* Shapes of the plain objects ecr-core resolves with (ECR's camelCase JSON; timestamps are RFC 3339). */

/** A tag or a digest naming one image. */
export interface ImageId {
  imageDigest?: string
  imageTag?: string
}

/** A repository as DescribeRepositories reports it. */
export interface Repository {
  repositoryName: string
  repositoryArn: string
  registryId: string
  repositoryUri: string
  createdAt?: string
  imageTagMutability: 'MUTABLE' | 'IMMUTABLE' | 'IMMUTABLE_WITH_EXCLUSION' | 'MUTABLE_WITH_EXCLUSION'
  imageTagMutabilityExclusionFilters: string[]
  scanOnPush: boolean
  encryptionType: string
  kmsKey?: string
}

/** One image as DescribeImages reports it. */
export interface ImageDetail {
  registryId?: string
  repositoryName?: string
  imageDigest: string
  imageTags: string[]
  imageSizeInBytes?: number
  imagePushedAt?: string
  imageManifestMediaType?: string
  artifactMediaType?: string
  lastRecordedPullTime?: string
  imageStatus: 'ACTIVE' | 'ARCHIVED' | 'ACTIVATING'
  lastArchivedAt?: string
  lastActivatedAt?: string
  subjectManifestDigest?: string
}

/** Settings of a new repository; missing keys keep the recommended values. */
export interface RepositorySettings {
  tagMutability?: Repository['imageTagMutability']
  exclusionFilters?: string[]
  scanOnPush?: boolean
  kmsKey?: string | null
}

/** What `parseReference` returns: the `parse_reference` program's JSON object (null where absent). */
export interface ParsedReference {
  input: string
  ok: true
  kind: 'private' | 'public'
  registry_id: string | null
  region: string | null
  fips: boolean
  dual_stack: boolean
  dns_suffix: string | null
  repository: string | null
  tag: string | null
  digest: string | null
}

/** One problem of a policy document: its JSON path and what is wrong. */
export interface FieldError {
  path: string
  message: string
}

/** The errors ecr-core throws and rejects with. */
export interface EcrError extends Error {
  /** The stable error code (one of `errorCodes()`, or `"Internal"` for a bug in ecr-core). */
  code: string
  /** The AWS request id, when the service returned one. */
  requestId: string | null
  /** For `code === "PolicyValidation"`: every problem found. */
  errors?: FieldError[]
}
