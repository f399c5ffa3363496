"""Reprint clusters: components, origins, stable ids."""

from __future__ import annotations

import random

from copytrace.cluster import (
    Cluster,
    Edge,
    UnionFind,
    build_clusters,
    choose_origin,
    cluster_id_for,
    clusters_of,
)


def test_every_article_with_an_edge_is_in_exactly_one_cluster() -> None:
    rng = random.Random(5)
    ids = [f"a{i:03d}" for i in range(200)]
    edges = [Edge(*sorted(rng.sample(ids, 2))) for _ in range(150)]
    clusters = build_clusters(edges)
    members = [a for c in clusters for a in c.article_ids]
    assert len(members) == len(set(members))
    assert set(members) == {x for e in edges for x in (e.a_id, e.b_id)}
    # Both ends of every edge share a cluster.
    where = {a: c.cluster_id for c in clusters for a in c.article_ids}
    assert all(where[e.a_id] == where[e.b_id] for e in edges)


def test_origin_is_the_article_others_copy_from() -> None:
    # wire -> a, wire -> b, a -> c (reprint of a reprint)
    edges = [Edge("a", "wire", "wire"), Edge("b", "wire", "wire"), Edge("a", "c", "a")]
    [cluster] = build_clusters(edges)
    assert cluster.origin_id == "wire"
    assert cluster.article_ids == ("a", "b", "c", "wire")


def test_origin_falls_back_to_the_earliest_publication_when_no_direction() -> None:
    edges = [Edge("x", "y"), Edge("y", "z")]
    published = {"x": "2024-01-02T00:00:00Z", "y": "2024-01-01T23:00:00-02:00", "z": None}
    assert choose_origin(["x", "y", "z"], edges, published) == "x"  # y is 01:00Z on the 2nd
    assert choose_origin(["x", "y", "z"], edges, {}) == "x"  # then the smallest id


def test_cluster_ids_do_not_depend_on_edge_order() -> None:
    edges = [Edge("p", "q", "p"), Edge("q", "r", None), Edge("s", "t", "t")]
    first = build_clusters(edges)
    again = build_clusters(list(reversed(edges)))
    assert first == again
    assert first[0].cluster_id == cluster_id_for(["p", "q", "r"])
    assert first[0].cluster_id != first[1].cluster_id


def test_union_find_groups() -> None:
    uf = UnionFind()
    for x, y in [("b", "a"), ("c", "d"), ("d", "a")]:
        uf.union(x, y)
    uf.add("z")
    assert uf.groups() == [["a", "b", "c", "d"], ["z"]]


def _reference_clusters(edges: list[Edge], published: dict[str, str | None]) -> list[Cluster]:
    """build_clusters as it was: a union-find over the ids, choose_origin per group."""
    uf = UnionFind()
    for e in edges:
        uf.union(e.a_id, e.b_id)
    by_root: dict[str, list[Edge]] = {}
    for e in edges:
        by_root.setdefault(uf.find(e.a_id), []).append(e)
    out = [
        Cluster(cluster_id_for(g), tuple(g), choose_origin(g, by_root[uf.find(g[0])], published))
        for g in uf.groups()
    ]
    out.sort(key=lambda c: (-len(c.article_ids), c.article_ids[0]))
    return out


def test_build_clusters_matches_a_union_find_with_choose_origin() -> None:
    rng = random.Random(12)
    for trial in range(300):
        n = rng.randint(1, 40)
        ids = [rng.choice(["", "x", "Z", "é"]) + f"{rng.randint(0, 10**6)}" for _ in range(n)]
        ids = list(dict.fromkeys(ids))
        edges = []
        for _ in range(rng.randint(1, 60)):
            a, b = rng.choice(ids), rng.choice(ids)  # (self-loops and repeats too)
            source = rng.choice([None, None, a, b, "elsewhere"])
            edges.append(Edge(a, b, source))
        published = {
            i: rng.choice([None, "", "bad", "2024-01-01T00:00:00Z", "2024-01-01T01:00:00+02:00"])
            for i in ids
            if rng.random() < 0.7
        }
        want = _reference_clusters(edges, published)
        assert build_clusters(edges, published) == want, trial
        columns = ([e.a_id for e in edges], [e.b_id for e in edges], [e.source_id for e in edges])
        assert clusters_of(*columns, published) == want, trial
    assert build_clusters([]) == []
    assert clusters_of([], [], []) == []
