import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Next.js example",
  description: "A minimal Next.js App Router app packaged with dockgen",
};

export default function RootLayout({
  children,
}: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
