import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native and WASM packages break when bundled; load them from node_modules at run time.
  serverExternalPackages: ["@electric-sql/pglite", "onnxruntime-node", "@node-rs/argon2", "pg", "pg-boss"],
  poweredByHeader: false,
};

export default nextConfig;
