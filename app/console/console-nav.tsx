"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const sections = [
  { href: "/console/knowledge", label: "Knowledge" },
  { href: "/console/conversations", label: "Conversations" },
  { href: "/console/training", label: "Training" },
  { href: "/console/models", label: "Models" },
  { href: "/console/chat-widget", label: "Chat & widget", adminOnly: true },
  { href: "/console/users", label: "Users", adminOnly: true },
  { href: "/console/settings", label: "Settings", adminOnly: true },
];

export function ConsoleNav({ isAdmin }: { isAdmin: boolean }) {
  const pathname = usePathname();
  return (
    <nav className="nav" aria-label="Console">
      {sections
        .filter((s) => isAdmin || !s.adminOnly)
        .map((s) => (
          <Link key={s.href} href={s.href} aria-current={pathname.startsWith(s.href) ? "page" : undefined}>
            {s.label}
          </Link>
        ))}
    </nav>
  );
}
