import Link from "next/link";

const tabs = [
  { href: "/console/knowledge", label: "Pairs", key: "pairs" },
  { href: "/console/knowledge/new", label: "New pair", key: "new" },
  { href: "/console/knowledge/import", label: "Import", key: "import" },
  { href: "/console/knowledge/health", label: "Data health", key: "health" },
] as const;

export function KnowledgeTabs({ current }: { current: (typeof tabs)[number]["key"] | "pair" }) {
  return (
    <nav className="kn-tabs" aria-label="Knowledge">
      {tabs.map((t) => (
        <Link key={t.key} href={t.href} aria-current={t.key === current ? "page" : undefined}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
