import { siteTitle } from "@demo/ui";

export const dynamic = "force-dynamic";

export default function Home() {
  const renderedAt = new Date().toISOString();

  return (
    <main>
      <h1>{siteTitle}</h1>
      <p>
        This page was rendered on the server at <time>{renderedAt}</time>.
      </p>
      <p>
        Health check: <a href="/health">/health</a>
      </p>
    </main>
  );
}
