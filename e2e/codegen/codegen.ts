// GraphQL Code Generator configuration for the example operations in
// server/examples, set up as an integrator would set it up. The Go test in
// e2e/ starts the server and sets LIENTHONG_URL to its address and
// LIENTHONG_CODEGEN_OUT to a temporary folder.
//
// typescript-operations 6 writes the enums and inputs its operations use,
// so the schema types from the typescript plugin go to a file of their own,
// where they cannot clash with them.
//
// NOTE: some dependencies of @graphql-codegen/cli 7.4 declare Node.js
// 22.15 or later, so npm warns on Node.js 20. Generation and the test pass
// on Node.js 20.20.2.
import type { CodegenConfig } from '@graphql-codegen/cli';

const url = process.env.LIENTHONG_URL ?? 'http://127.0.0.1:8080';
const out = process.env.LIENTHONG_CODEGEN_OUT ?? 'generated';
const documents = ['../../server/examples/*.graphql'];
const scalars = { Date: 'string', DateTime: 'string' };

const config: CodegenConfig = {
  generates: {
    // Every schema type, read by introspection from the endpoint.
    [`${out}/schema.ts`]: {
      schema: `${url}/graphql`,
      plugins: ['typescript'],
      config: { scalars },
    },
    // The operations' result and variables types, from the same
    // introspection.
    [`${out}/operations.ts`]: {
      schema: `${url}/graphql`,
      documents,
      plugins: ['typescript-operations'],
      config: { scalars },
    },
    // The same operations from the SDL served at /schema.graphql, which
    // must give the same file.
    [`${out}/operations-from-sdl.ts`]: {
      schema: `${url}/schema.graphql`,
      documents,
      plugins: ['typescript-operations'],
      config: { scalars },
    },
  },
};

export default config;
