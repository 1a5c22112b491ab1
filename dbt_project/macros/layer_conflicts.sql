{% macro layer_conflicts(counts, conflict_code, part_column, total_member, table_filter) %}
{#- Groups of one parts-to-total relation (regions to the Republic, countries to all countries, …) whose
    total and parts come from different layers (an official download and the reconstruction) and do not add
    up within `sum_tolerance`: the places where laying official cells over the reconstruction broke a sum. -#}
{%- set group_by = canonical_cell_key() | reject('equalto', part_column) | list -%}
select
    '{{ conflict_code }}' as conflict_code,
    totals.table_code,
    totals.year,
    {{ 'totals.region_code' if part_column != 'region_code' else "'00'" }} as region_code,
    totals.direction_code,
    '{{ part_column }}' as part_column,
    totals.layer_code as total_layer_code,
    parts.part_layer_codes,
    totals.persons as total_persons,
    parts.parts_persons,
    parts.parts_persons - totals.persons as difference_persons,
    totals.source_file_name as total_file_name
{#- Only groups holding a cell from an upper layer can mix layers: narrowing every scan to them keeps the
    check free when nothing is ingested, instead of summing every reconstructed group. #}
{%- set mixed_groups -%}
(
    select distinct {{ group_by | join(', ') }}
    from {{ counts }}
    where layer_code <> 'reconstruction' and ({{ table_filter }})
) as mixed_groups using ({{ group_by | join(', ') }})
{%- endset %}
from (
    select * from {{ counts }}
    semi join {{ mixed_groups }}
    where {{ part_column }} = '{{ total_member }}' and ({{ table_filter }})
) as totals
inner join (
    select
        {{ group_by | join(', ') }},
        sum(persons) as parts_persons,
        string_agg(distinct layer_code, ', ' order by layer_code) as part_layer_codes
    from {{ counts }}
    semi join {{ mixed_groups }}
    where {{ part_column }} <> '{{ total_member }}' and ({{ table_filter }})
    group by all
) as parts using ({{ group_by | join(', ') }})
where
    parts.part_layer_codes <> totals.layer_code
    and abs(parts.parts_persons - totals.persons) > {{ var('sum_tolerance', 0) }}
{% endmacro %}
