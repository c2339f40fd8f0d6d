// The user's GOFLAGS are kept; goperf adds -buildvcs=false only when the user did not choose.
import { expect } from "chai";
import { buildChangingFlags, sessionGoFlags, splitGoFlags } from "../../kernel/go/goflags.js";

describe("GOFLAGS", () => {
  it("adds -buildvcs=false to nothing, and after the user's flags", () => {
    expect(sessionGoFlags(undefined)).to.equal("-buildvcs=false");
    expect(sessionGoFlags("")).to.equal("-buildvcs=false");
    expect(sessionGoFlags("-tags=purego  -mod=mod")).to.equal("-tags=purego -mod=mod -buildvcs=false");
  });

  it("keeps the user's own -buildvcs, in any spelling", () => {
    expect(sessionGoFlags("-buildvcs=true")).to.equal("-buildvcs=true");
    expect(sessionGoFlags("--buildvcs=auto -tags=x")).to.equal("--buildvcs=auto -tags=x");
    expect(sessionGoFlags("-buildvcs")).to.equal("-buildvcs");
  });

  it("splits as the go command does, a quoted value whole", () => {
    expect(splitGoFlags(`-ldflags="-s -w" -tags=a,b`)).to.deep.equal([`-ldflags="-s -w"`, "-tags=a,b"]);
  });

  it("names the flags that change a build (the direct compiler path then steps aside)", () => {
    expect(buildChangingFlags("-buildvcs=false -mod=mod -modcacherw -p=2")).to.deep.equal([]);
    expect(buildChangingFlags("-tags=purego -buildvcs=false -race -gcflags=all=-N")).to.deep.equal(["-tags=purego", "-race", "-gcflags=all=-N"]);
  });
});
