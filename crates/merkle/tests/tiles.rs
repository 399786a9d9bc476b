//! tlog-tiles arithmetic, proofs read from tiles, the fsck check and entry
//! bundles.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeSet;

use clearstone_merkle::bundle::{
    BundleError, ENTRY_BYTES_MAX, bundle_leaf_hashes, decode_bundle, encode_bundle,
};
use clearstone_merkle::fsck::{FsckError, check_tiles};
use clearstone_merkle::memory::NodeMissing;
use clearstone_merkle::tile::{
    encode_index, hashes_to_bytes, parent_hashes, tiles_added, tiles_for_size,
};
use clearstone_merkle::{
    Hash, HashReader, MemoryTree, Tile, TileHashReader, TileKind, consistency_proof,
    inclusion_proof, leaf_hash, tree_root,
};

fn tile(level: u8, index: u64, width: u16) -> Tile {
    Tile::new(level, index, width).unwrap()
}

#[test]
fn index_encoding() {
    assert_eq!(encode_index(0), "000");
    assert_eq!(encode_index(7), "007");
    assert_eq!(encode_index(999), "999");
    assert_eq!(encode_index(1000), "x001/000");
    assert_eq!(encode_index(1234067), "x001/x234/067");
    assert_eq!(encode_index(u64::MAX), "x018/x446/x744/x073/x709/x551/615");
}

#[test]
fn paths_round_trip() {
    assert_eq!(tile(0, 1234067, 256).path(), "tile/0/x001/x234/067");
    assert_eq!(tile(1, 1234067, 17).path(), "tile/1/x001/x234/067.p/17");
    assert_eq!(
        tile(0, 5, 112).bundle_path().unwrap(),
        "tile/entries/005.p/112"
    );
    assert_eq!(tile(0, 5, 256).bundle_path().unwrap(), "tile/entries/005");
    assert_eq!(tile(2, 0, 1).bundle_path(), None);

    for t in [
        tile(0, 0, 256),
        tile(0, 0, 1),
        tile(63, 0, 255),
        tile(5, 1000, 256),
        tile(3, u64::MAX, 9),
    ] {
        assert_eq!(Tile::parse_path(&t.path()).unwrap(), (t, TileKind::Hashes));
    }
    let t = tile(0, 70_001, 3);
    assert_eq!(
        Tile::parse_path(&t.bundle_path().unwrap()).unwrap(),
        (t, TileKind::Entries)
    );

    for bad in [
        "",
        "tile",
        "tile/0",
        "tile/0/",
        "tile/0/1",
        "tile/0/0000",
        "tile/00/000",
        "tile/64/000",
        "tile/-1/000",
        "tile/0/x000/001",
        "tile/0/x01/000",
        "tile/0/001/000",
        "tile/0/x001",
        "tile/0/000/",
        "tile/0/000.p/0",
        "tile/0/000.p/256",
        "tile/0/000.p/01",
        "tile/0/000.p/",
        "tile/0/000.p/5/6",
        "tile/entries/000.p/0",
        "tile/entry/000",
        "/tile/0/000",
        "tile/0/x018/x446/x744/x073/x709/x551/616",
    ] {
        assert!(Tile::parse_path(bad).is_err(), "accepted `{bad}`");
    }
    assert!(Tile::new(64, 0, 1).is_err());
    assert!(Tile::new(0, 0, 0).is_err());
    assert!(Tile::new(0, 0, 257).is_err());
}

/// (level, full tiles, partial width) per level, from the tile list.
fn shape(size: u64) -> Vec<(u8, u64, Option<u16>)> {
    let mut out: Vec<(u8, u64, Option<u16>)> = Vec::new();
    for t in tiles_for_size(size) {
        if out.last().is_none_or(|l| l.0 != t.level()) {
            out.push((t.level(), 0, None));
        }
        let last = out.last_mut().unwrap();
        if t.is_full() {
            assert_eq!(t.index(), last.1, "full tiles in order");
            last.1 += 1;
        } else {
            assert_eq!(t.index(), last.1, "partial tile after the full ones");
            last.2 = Some(t.width());
        }
    }
    out
}

#[test]
fn tiles_of_a_tree_size() {
    // The tlog-tiles example: 273 full level-0 tiles and one of width 112, one
    // full level-1 tile and one of width 17, and a level-2 tile of width 1.
    assert_eq!(
        shape(70_000),
        [(0, 273, Some(112)), (1, 1, Some(17)), (2, 0, Some(1))]
    );
    assert_eq!(shape(256), [(0, 1, None), (1, 0, Some(1))]);
    assert_eq!(shape(0), []);
    assert_eq!(shape(1), [(0, 0, Some(1))]);
    assert_eq!(shape(255), [(0, 0, Some(255))]);
    assert_eq!(
        shape(65_536),
        [(0, 256, None), (1, 1, None), (2, 0, Some(1))]
    );
    // The largest tree: only the rightmost tiles change on its last append.
    assert_eq!(
        tiles_added(u64::MAX - 1, u64::MAX).collect::<Vec<_>>(),
        [tile(0, u64::MAX / 256, 255)]
    );
}

#[test]
fn tiles_added_is_the_difference_of_the_two_sizes() {
    let sizes = [
        0u64, 1, 2, 255, 256, 257, 511, 512, 65_535, 65_536, 65_537, 70_000, 131_073,
    ];
    for &old in &sizes {
        for &new in &sizes {
            let before: BTreeSet<Tile> = tiles_for_size(old).collect();
            let after: BTreeSet<Tile> = tiles_for_size(new).collect();
            let want: BTreeSet<Tile> = if new > old {
                after.difference(&before).copied().collect()
            } else {
                BTreeSet::new()
            };
            let got: BTreeSet<Tile> = tiles_added(old, new).collect();
            assert_eq!(got, want, "{old} -> {new}");
        }
    }
}

#[test]
fn tile_bytes() {
    let hashes: Vec<Hash> = (0..3u8).map(|i| leaf_hash(&[i])).collect();
    let t = tile(0, 0, 3);
    let bytes = hashes_to_bytes(&hashes);
    assert_eq!(bytes.len(), 96);
    assert_eq!(t.hashes_from_bytes(&bytes).unwrap(), hashes);
    assert!(t.hashes_from_bytes(&bytes[1..]).is_err());
    assert!(tile(0, 0, 4).hashes_from_bytes(&bytes).is_err());
}

/// A tile store derived from a memory tree: tile hash `j` of tile `(l, i)` is
/// the subtree at tree level `8l`, index `256i + j`.
fn tile_from_tree(tree: &MemoryTree, t: &Tile) -> Result<Vec<Hash>, NodeMissing> {
    (0..u64::from(t.width()))
        .map(|j| tree.read_node(8 * t.level(), 256 * t.index() + j))
        .collect()
}

fn tree(size: u64) -> MemoryTree {
    MemoryTree::from_leaf_hashes((0..size).map(|i| leaf_hash(&i.to_le_bytes())))
}

#[test]
fn parent_hashes_build_the_level_above() {
    let tree = tree(3 * 256 + 10);
    let level0 = tile_from_tree(&tree, &tile(0, 0, 256)).unwrap();
    let level0b = tile_from_tree(&tree, &tile(0, 1, 256)).unwrap();
    let level1 = tile_from_tree(&tree, &tile(1, 0, 3)).unwrap();
    let both = [level0, level0b].concat();
    assert_eq!(parent_hashes(&both).unwrap(), level1[..2]);
    assert!(parent_hashes(&both[1..]).is_err());
    assert_eq!(parent_hashes(&[]).unwrap(), []);
}

#[test]
fn proofs_from_tiles_match_proofs_from_memory() {
    let tree = tree(70_000);
    let mut checked = 0;
    for size in [1u64, 2, 255, 256, 257, 300, 65_535, 65_536, 65_537, 70_000] {
        let reader = TileHashReader::new(size, |t: &Tile| {
            // Only tiles that exist for this size may be asked for.
            assert!(
                tiles_for_size(size).any(|have| have == *t),
                "asked for {t} at {size}"
            );
            tile_from_tree(&tree, t)
        });
        assert_eq!(
            tree_root(&reader, size).unwrap(),
            tree_root(&tree, size).unwrap()
        );
        for index in [0, size / 3, size / 2, size - 1] {
            assert_eq!(
                inclusion_proof(&reader, index, size).unwrap(),
                inclusion_proof(&tree, index, size).unwrap(),
                "PATH({index}, {size})"
            );
            if index > 0 {
                assert_eq!(
                    consistency_proof(&reader, index, size).unwrap(),
                    consistency_proof(&tree, index, size).unwrap(),
                    "PROOF({index}, {size})"
                );
            }
            checked += 1;
        }
        // Nothing beyond the tree size.
        assert!(reader.read_node(0, size).is_err());
    }
    assert_eq!(checked, 40);
}

#[test]
fn tile_reader_refuses_wrong_widths() {
    let tree = tree(600);
    let reader = TileHashReader::new(600, |t: &Tile| {
        let mut hashes = tile_from_tree(&tree, t)?;
        hashes.pop();
        Ok::<_, NodeMissing>(hashes)
    });
    assert!(inclusion_proof(&reader, 3, 600).is_err());
}

/// Reads tiles from `tree`, with hash `position` of `target` replaced.
fn corrupted(
    tree: &MemoryTree,
    target: Tile,
    position: usize,
) -> impl FnMut(&Tile) -> Result<Vec<Hash>, NodeMissing> + '_ {
    move |t: &Tile| {
        let mut hashes = tile_from_tree(tree, t)?;
        if *t == target {
            hashes[position] = leaf_hash(b"tampered");
        }
        Ok(hashes)
    }
}

#[test]
fn fsck_recomputes_the_root_and_checks_every_tile() {
    let small = tree(600);
    for size in [0u64, 1, 255, 256, 257, 512, 600] {
        let root = check_tiles(size, |t: &Tile| tile_from_tree(&small, t)).unwrap();
        assert_eq!(root, tree_root(&small, size).unwrap(), "size {size}");
    }
    // Size 600: level 0 has tiles 0 and 1 full and 2 of width 88; level 1 one
    // tile of width 2. A changed level-1 hash no longer matches the leaves.
    match check_tiles(600, corrupted(&small, tile(1, 0, 2), 1)) {
        Err(FsckError::Mismatch { tile: t, position }) => {
            assert_eq!((t, position), (tile(1, 0, 2), 1))
        }
        other => panic!("{other:?}"),
    }
    // A changed leaf hash in a full tile shows up in the tile above it.
    assert!(matches!(
        check_tiles(600, corrupted(&small, tile(0, 1, 256), 9)),
        Err(FsckError::Mismatch { .. })
    ));
    // In the partial tile it changes the root, which the caller compares.
    let root = check_tiles(600, corrupted(&small, tile(0, 2, 88), 9)).unwrap();
    assert_ne!(root, small.root());

    let short = |t: &Tile| {
        let mut hashes = tile_from_tree(&small, t)?;
        if t.level() == 1 {
            hashes.pop();
        }
        Ok::<_, NodeMissing>(hashes)
    };
    assert!(matches!(
        check_tiles(600, short),
        Err(FsckError::WrongWidth { .. })
    ));
    assert!(matches!(
        check_tiles(601, |t: &Tile| tile_from_tree(&small, t)),
        Err(FsckError::Read { .. })
    ));

    // Three levels: size 70000 has a level-2 tile, checked against level 1.
    let big = tree(70_000);
    let root = check_tiles(70_000, |t: &Tile| tile_from_tree(&big, t)).unwrap();
    assert_eq!(root, big.root());
    assert!(matches!(
        check_tiles(70_000, corrupted(&big, tile(2, 0, 1), 0)),
        Err(FsckError::Mismatch { .. })
    ));
}

#[test]
fn bundles_round_trip() {
    let entries: Vec<Vec<u8>> = vec![
        vec![],
        b"a".to_vec(),
        vec![7; 300],
        vec![1; ENTRY_BYTES_MAX],
    ];
    let bundle = encode_bundle(&entries).unwrap();
    assert_eq!(&bundle[..5], &[0, 0, 0, 1, b'a']);
    assert_eq!(
        bundle.len(),
        entries.iter().map(|e| e.len() + 2).sum::<usize>()
    );
    let decoded = decode_bundle(&bundle).unwrap();
    assert_eq!(
        decoded,
        entries.iter().map(Vec::as_slice).collect::<Vec<_>>()
    );
    assert_eq!(
        bundle_leaf_hashes(&bundle).unwrap(),
        entries.iter().map(|e| leaf_hash(e)).collect::<Vec<_>>()
    );

    let full: Vec<Vec<u8>> = (0..256u16).map(|i| i.to_be_bytes().to_vec()).collect();
    assert_eq!(
        decode_bundle(&encode_bundle(&full).unwrap()).unwrap().len(),
        256
    );
}

#[test]
fn bad_bundles_are_refused() {
    let too_big = [vec![0u8; 3], vec![0u8; ENTRY_BYTES_MAX + 1]];
    assert_eq!(
        encode_bundle(&too_big),
        Err(BundleError::EntryTooLarge {
            index: 1,
            bytes: 65_536
        })
    );
    let none: [&[u8]; 0] = [];
    assert!(encode_bundle(&none).is_err());
    let many = vec![b"x".to_vec(); 257];
    assert!(encode_bundle(&many).is_err());

    let bundle = encode_bundle(&[b"hello".as_slice(), b"world"]).unwrap();
    assert_eq!(
        decode_bundle(&bundle[..bundle.len() - 1]),
        Err(BundleError::Truncated { offset: 7 })
    );
    assert_eq!(
        decode_bundle(&bundle[..8]),
        Err(BundleError::Truncated { offset: 7 })
    );
    assert_eq!(
        decode_bundle(&[]),
        Err(BundleError::WrongEntryCount { count: 0 })
    );
    let mut too_many = encode_bundle(&vec![b"x".to_vec(); 256]).unwrap();
    too_many.extend_from_slice(&[0, 0]);
    assert!(decode_bundle(&too_many).is_err());
}
