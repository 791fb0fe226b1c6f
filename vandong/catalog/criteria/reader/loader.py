"""YAML with lines: mappings and sequences that remember the line of each
key and item, so that every problem can name its line."""

from typing import Any, cast

import yaml

from vandong.catalog.criteria.reader.problems import CriteriaProblem


class _Map(dict[str, Any]):
    """A YAML mapping with the line it starts on and the line of each key."""

    line: int
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]


class _Seq(list[Any]):
    """A YAML sequence with the line it starts on and the line of each item."""

    line: int
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: yaml.SafeLoader, node: yaml.Node) -> _Map:
    loader.flatten_mapping(cast(yaml.MappingNode, node))
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.duplicates = []
    for key_node, value_node in node.value:
        name = str(loader.construct_object(key_node, deep=True))
        line = key_node.start_mark.line + 1
        if name in result:
            result.duplicates.append((name, line))
        result[name] = loader.construct_object(value_node, deep=True)
        result.key_lines[name] = line
    return result


def _construct_seq(loader: yaml.SafeLoader, node: yaml.Node) -> _Seq:
    result = _Seq(loader.construct_object(item, deep=True) for item in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [item.start_mark.line + 1 for item in node.value]
    return result


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    # 2022-02-30 looks like a date but is none: keep the text, so that the
    # reader reports it with its line instead of the parser failing.
    scalar = cast(yaml.ScalarNode, node)
    try:
        return loader.construct_yaml_timestamp(scalar)
    except ValueError:
        return loader.construct_scalar(scalar)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _load(text: str, file: str, problems: list[CriteriaProblem]) -> _Map | None:
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc)
        problems.append(
            CriteriaProblem(
                file,
                line,
                "",
                f"lỗi cú pháp YAML: {problem}",
                f"YAML syntax error: {problem}",
            )
        )
        return None
    finally:
        loader.dispose()
    if not isinstance(data, _Map):
        problems.append(
            CriteriaProblem(
                file,
                1,
                "",
                "tệp phải là một bảng (mapping) bắt đầu bằng “format: 1”",
                "the file must be a mapping starting with 'format: 1'",
            )
        )
        return None
    return data


def _peek(data: _Map, key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""
