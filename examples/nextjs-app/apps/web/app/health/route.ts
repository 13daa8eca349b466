import { siteTitle } from "@demo/ui";

export const dynamic = "force-dynamic";

export function GET() {
  return new Response(`ok: ${siteTitle}`, {
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}
