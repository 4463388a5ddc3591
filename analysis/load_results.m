function T = load_results(file)
%LOAD_RESULTS Read /points of a stream-hpc sweep results.h5 into a table.
%   T = load_results('runs/quick/results.h5') returns one table variable per column
%   (names as in the file's colnames attribute); string parameters become categorical
%   arrays decoded through their /dims/<param> dictionary.
%   Placeholder until the sweep engine's own loader lands (it replaces this file).
names = h5readatt(file, '/points', 'colnames');
T = table();
for k = 1:numel(names)
    name = char(names{k});
    v = h5read(file, ['/points/' name]);
    info = h5info(file, ['/points/' name]);
    dict = '';
    for a = 1:numel(info.Attributes)
        if strcmp(info.Attributes(a).Name, 'dictionary')
            dict = char(info.Attributes(a).Value);
        end
    end
    if ~isempty(dict)
        labels = cellstr(h5read(file, dict));
        v = categorical(double(v), 0:numel(labels) - 1, labels);
    end
    T.(name) = v(:);
end
end
