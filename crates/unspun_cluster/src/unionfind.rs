/// Disjoint sets over dense ids, with path halving and union by size. Merging two partitions' results
/// is replaying their links into one instance.
#[derive(Debug, Clone, Default)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind { parent: (0..n as u32).collect(), size: vec![1; n] }
    }

    /// Grow to hold ids `0..n`.
    pub fn ensure(&mut self, n: usize) {
        while self.parent.len() < n {
            self.parent.push(self.parent.len() as u32);
            self.size.push(1);
        }
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            let p = self.parent[x] as usize;
            self.parent[x] = self.parent[p];
            x = p;
        }
        x
    }

    /// Join the sets of `a` and `b`; returns whether they were apart.
    pub fn union(&mut self, a: usize, b: usize) -> bool {
        let (mut ra, mut rb) = (self.find(a), self.find(b));
        if ra == rb {
            return false;
        }
        if self.size[ra] < self.size[rb] {
            std::mem::swap(&mut ra, &mut rb);
        }
        self.parent[rb] = ra as u32;
        self.size[ra] += self.size[rb];
        true
    }

    /// The sets with more than one member, each sorted, in order of their smallest member.
    pub fn groups(&mut self) -> Vec<Vec<usize>> {
        let n = self.parent.len();
        let mut by_root: std::collections::HashMap<usize, Vec<usize>> = std::collections::HashMap::new();
        for x in 0..n {
            let r = self.find(x);
            by_root.entry(r).or_default().push(x);
        }
        let mut out: Vec<Vec<usize>> = by_root.into_values().filter(|g| g.len() > 1).collect();
        out.sort_by_key(|g| g[0]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn joins_transitively() {
        let mut uf = UnionFind::new(5);
        uf.union(0, 1);
        uf.union(3, 1);
        assert_eq!(uf.groups(), vec![vec![0, 1, 3]]);
        assert!(!uf.union(0, 3));
    }

    proptest! {
        #[test]
        fn order_of_links_does_not_matter(links in proptest::collection::vec((0usize..20, 0usize..20), 0..40)) {
            let mut a = UnionFind::new(20);
            let mut b = UnionFind::new(20);
            for &(x, y) in &links { a.union(x, y); }
            for &(x, y) in links.iter().rev() { b.union(y, x); }
            prop_assert_eq!(a.groups(), b.groups());
        }
    }
}
