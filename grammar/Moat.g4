grammar Moat;
file : EOF ;
WS : [ \t\r\n]+ -> skip ;
