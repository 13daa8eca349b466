import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Emit a self-contained server in .next/standalone for container images.
  output: "standalone",
};

export default nextConfig;
