import type { Banner } from "./banners";

/** The conditions nobody may miss, across the top of the page. */
export function BannerList({ banners }: { banners: readonly Banner[] }) {
  if (banners.length === 0) return null;
  return (
    <div className="banners">
      {banners.map((b) => (
        <div key={b.key} className={`banner banner-${b.kind}`} data-testid="banner" data-kind={b.kind} role="alert">
          <strong className="banner-kind">{bannerTitle[b.kind]}</strong> {b.message}
        </div>
      ))}
    </div>
  );
}

const bannerTitle: Record<Banner["kind"], string> = {
  "split-brain": "SPLIT BRAIN",
  "no-master": "NO MASTER",
  stale: "STALE",
  "all-down": "NO SERVER",
  degraded: "DEGRADED",
  "hub-offline": "OFFLINE",
};
