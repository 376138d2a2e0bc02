#pragma once
// --shard K/N: this process delivers the visits i ≡ K (mod N) at 1/N of the rate.

namespace tf::delivery {

struct Shard {
  int index = 0;  ///< K in K/N, 0-based
  int count = 1;  ///< N
};

/// Visits of the first `visits` indices that fall to `shard` (i ≡ K mod N).
inline long long shard_share(long long visits, Shard shard) {
  if (visits <= shard.index) {
    return 0;
  }
  return (visits - shard.index + shard.count - 1) / shard.count;
}

}  // namespace tf::delivery
